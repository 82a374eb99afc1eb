// Dial-plan countries: ISO 3166-1 alpha-2 codes that libphonenumber-js has numbering metadata
// for. A location's address.country and a recording trunk's country are such codes.
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js';

/** An ISO 3166-1 alpha-2 code libphonenumber knows, upper-cased; null otherwise. */
export function dialPlanCountry(value: string | null | undefined): CountryCode | null {
  if (!value) return null;
  const code = value.trim().toUpperCase();
  return /^[A-Z]{2}$/.test(code) && isSupportedCountry(code) ? code : null;
}
