import type { Config } from 'tailwindcss';

/**
 * Tailwind 4 is configured CSS-first (see app/globals.css: colours, radius and
 * dark mode live there as CSS variables). This file is loaded from that
 * stylesheet with `@config "../tailwind.config.ts";` and carries only what is
 * easier to express in JS: the source globs, the font stacks and the
 * `container` utility.
 */
const config = {
  content: ['./app/**/*.{ts,tsx,mdx}', './components/**/*.{ts,tsx}', './lib/**/*.{ts,tsx}'],
  theme: {
    // `container` = centred, padded, max-width per breakpoint.
    container: {
      center: true,
      padding: {
        DEFAULT: '1rem',
        sm: '1.5rem',
        lg: '2rem',
      },
    },
    extend: {
      fontFamily: {
        // `--font-app-sans` / `--font-app-mono` are optional hooks for next/font
        // (`variable: '--font-app-sans'`); without them the system stack is used.
        sans: [
          'var(--font-app-sans, ui-sans-serif)',
          'system-ui',
          '-apple-system',
          '"Segoe UI"',
          'Roboto',
          '"Helvetica Neue"',
          'Arial',
          'sans-serif',
          '"Apple Color Emoji"',
          '"Segoe UI Emoji"',
        ],
        mono: [
          'var(--font-app-mono, ui-monospace)',
          'SFMono-Regular',
          'Menlo',
          'Monaco',
          'Consolas',
          '"Liberation Mono"',
          'monospace',
        ],
      },
    },
  },
} satisfies Config;

export default config;
