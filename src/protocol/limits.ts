// Limits both the LSP requests and the panel's messages check. No imports: the webview bundle
// takes these values without pulling in the language-server protocol packages.

/** The most draws a prediction may ask for (the histogram of lesson step 5). */
export const MAX_DRAWS = 100_000;

/** The most words a prediction's `rest` lists one by one; beyond them the rest is approximated. */
export const MAX_REST_WORDS = 200_000;

/** The most words one explain request (the estimators side by side) may ask about. */
export const MAX_EXPLAIN_WORDS = 20;
