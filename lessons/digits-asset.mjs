// Where the page finds the MNIST digits assets (lessons/digits-data.mjs): next to the lessons in
// web/lib/. scripts/build-dist.mjs replaces this module in dist/playgrad.html with the same bytes
// as data: URLs, so the single file needs no network.
export const DIGITS_URL = new URL('../mnist-digits.bin', import.meta.url).href;
export const DIGITS_MORE_URL = new URL('../mnist-digits-more.bin', import.meta.url).href;
