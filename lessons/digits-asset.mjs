// Where the page finds the MNIST digits asset (lessons/digits-data.mjs): next to the lessons in
// web/lib/. scripts/build-dist.mjs replaces this module in dist/playgrad.html with the same bytes
// as a data: URL, so the single file needs no network.
export const DIGITS_URL = new URL('../mnist-digits.bin', import.meta.url).href;
