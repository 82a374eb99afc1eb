// X.509 certificates for TLS tests, made with selfsigned (EC P-256, SHA-256): a CA, end
// certificates signed by it or self-signed, with chosen names and validity. Test code only.
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

export interface TestCertificate {
  readonly cert: string;
  readonly key: string;
  readonly fingerprint: string;
}

export interface TestCertificateOptions {
  readonly commonName: string;
  /** DNS subjectAltNames (none: the certificate has no subjectAltName but the CN). */
  readonly dnsNames?: readonly string[];
  readonly issuer?: TestCertificate;
  readonly ca?: boolean;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

const DAY = 86_400_000;

export async function makeTestCertificate(
  options: TestCertificateOptions,
): Promise<TestCertificate> {
  const notBefore = options.notBefore ?? new Date(Date.now() - DAY);
  const notAfter = options.notAfter ?? new Date(Date.now() + 365 * DAY);
  const made = await generate([{ name: 'commonName', value: options.commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: options.ca === true, critical: true },
      options.ca
        ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true }
        : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      ...(options.ca ? [] : [{ name: 'extKeyUsage' as const, serverAuth: true, clientAuth: true }]),
      ...(options.dnsNames && options.dnsNames.length > 0
        ? [
            {
              name: 'subjectAltName' as const,
              altNames: options.dnsNames.map((value) => ({ type: 2 as const, value })),
            },
          ]
        : []),
    ],
    ...(options.issuer ? { ca: { key: options.issuer.key, cert: options.issuer.cert } } : {}),
  });
  return {
    cert: made.cert,
    key: made.private,
    fingerprint: new X509Certificate(made.cert).fingerprint256,
  };
}
