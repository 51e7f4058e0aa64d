// Marks the document as scripted before first paint so the phone menu starts folded. Loaded
// without defer from <head>: a file, not an inline script, so the CSP needs no 'unsafe-inline'.
document.documentElement.classList.add("js");
// The consent banner is in every page (pages are cached, the same for everyone); once the
// visitor has decided (the consent cookie), it is hidden before it is ever drawn.
if (/(?:^|;\s*)consent=/.test(document.cookie)) {
  document.documentElement.classList.add("consent-decided");
}
