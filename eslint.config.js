// ESLint for the portal's own browser scripts (run by `make lint`; docs/architecture.md "Checks").
// They are classic scripts (no modules, no build step) loaded by the templates, so they are
// linted as such, with the browser's globals. Vendored or minified files are not ours to lint.
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  {
    ignores: ["**/vendor/**", "**/*.min.js", "staticfiles/**", "node_modules/**", ".venv/**"],
  },
  {
    files: ["static/**/*.js"],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: { ...globals.browser },
    },
    rules: {
      ...js.configs.recommended.rules,
      eqeqeq: ["error", "always"],
      "no-implicit-globals": "error",
      "no-var": "off",
      strict: ["error", "function"],
    },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "commonjs", globals: { ...globals.node } },
  },
];
