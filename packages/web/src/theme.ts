// The console's Mantine theme, with colours held to WCAG 2.2 AA contrast (1.4.3: 4.5:1 for text).
// Mantine's default palette puts text in shade 6 (teal, green, orange, yellow… at 2–3.5:1 on white);
// here text colours are darkened until they read at 4.5:1 on the backgrounds they are used on,
// filled controls take black or white text by luminance, and the primary colour is one shade darker.
import {
  Anchor,
  DEFAULT_THEME,
  Drawer,
  FileInput,
  Modal,
  Notification,
  createTheme,
  mergeThemeOverrides,
  type MantineThemeOverride,
  type CSSVariablesResolver,
  type MantineColorsTuple,
} from '@mantine/core';

/** The primary shade in the light scheme: indigo 8 carries white text at 5.7:1. */
const PRIMARY_SHADE = 8;
const MIN_TEXT_CONTRAST = 4.6;

export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: PRIMARY_SHADE, dark: 8 },
  defaultRadius: 'md',
  fontFamily:
    'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '650' },
  // Filled badges and buttons of light colours (yellow, lime, teal…) get dark text: black text
  // reads at 4.5:1 on any colour of luminance 0.175 or more, white text below 0.183.
  autoContrast: true,
  luminanceThreshold: 0.18,
  // Transitions are skipped for people who ask their system for less motion.
  respectReducedMotion: true,
  components: {
    // Links inside text are underlined, not told apart by colour alone (WCAG 1.4.1).
    Anchor: Anchor.extend({ defaultProps: { underline: 'always' } }),
  },
});

function channels(hex: string): [number, number, number] {
  const h = hex.replace('#', '');
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

function toHex([r, g, b]: readonly number[]): string {
  return `#${[r, g, b]
    .map((x) =>
      Math.round(x ?? 0)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** WCAG 2.x relative luminance of an sRGB colour. */
export function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const x = c / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** `hex` at `alpha` over `background` (both opaque hex colours). */
export function over(hex: string, alpha: number, background: string): string {
  const fg = channels(hex);
  const bg = channels(background);
  return toHex(fg.map((c, i) => c * alpha + (bg[i] ?? 0) * (1 - alpha)));
}

/** The darkest background light text sits on: a 15 % tint over the page's grey (#f8f9fa). */
function tintOf(palette: MantineColorsTuple): string {
  return over(palette[PRIMARY_SHADE], 0.15, DEFAULT_THEME.colors.gray[0]);
}

/** Shade 9 of the palette, darkened towards black until it reads at 4.6:1 on its own tint. */
export function readableTextColor(palette: MantineColorsTuple): string {
  const background = tintOf(palette);
  let colour = palette[9];
  for (let step = 0; step < 20 && contrastRatio(colour, background) < MIN_TEXT_CONTRAST; step++) {
    colour = over(colour, 0.92, '#000000');
  }
  return colour;
}

/** Mantine's dimmed text (gray 6) reads at 3.3:1 on white; this grey at 6.1:1. */
export const DIMMED_TEXT = '#5c636a';

/** The CSS variables that decide text colours, for every palette of the theme. */
export function readableColorVariables(): Record<string, string> {
  const variables: Record<string, string> = {
    '--mantine-color-dimmed': DIMMED_TEXT,
    // Placeholders and disabled-looking text (gray 5, 2.1:1) get the dimmed grey too.
    '--mantine-color-placeholder': DIMMED_TEXT,
    // Field errors (red 6, 3.3:1 on white) in the readable red.
    '--mantine-color-error': readableTextColor(DEFAULT_THEME.colors.red),
  };
  for (const [name, palette] of Object.entries(DEFAULT_THEME.colors)) {
    const text = readableTextColor(palette);
    variables[`--mantine-color-${name}-text`] = text;
    variables[`--mantine-color-${name}-light-color`] = text;
    variables[`--mantine-color-${name}-outline`] = text;
  }
  return variables;
}

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: readableColorVariables(),
  dark: {},
});

/**
 * The theme with the names of Mantine's icon-only buttons (a dialog's or drawer's close, a file
 * field's clear) in the console's language: a button without a name is announced as "button".
 */
export function themeWithLabels(labels: {
  readonly close: string;
  readonly clear: string;
}): MantineThemeOverride {
  return mergeThemeOverrides(
    theme,
    createTheme({
      components: {
        Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': labels.close } } }),
        Drawer: Drawer.extend({
          defaultProps: { closeButtonProps: { 'aria-label': labels.close } },
        }),
        FileInput: FileInput.extend({
          defaultProps: { clearButtonProps: { 'aria-label': labels.clear } },
        }),
        // The description of a toast in the readable grey, not gray 6 (3.3:1 on white).
        Notification: Notification.extend({
          styles: { description: { color: 'var(--mantine-color-dimmed)' } },
        }),
      },
    }),
  );
}
