// Marks the document as scripted before first paint so the phone menu starts folded. Loaded
// without defer from <head>: a file, not an inline script, so the CSP needs no 'unsafe-inline'.
document.documentElement.classList.add("js");
