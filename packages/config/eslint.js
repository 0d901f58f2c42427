// One flat config for every workspace: type-aware typescript-eslint rules plus the project's own
// conventions. Each workspace's eslint.config.js calls tesseraEslint(import.meta.dirname).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** @param {string} tsconfigRootDir @param {{ ignores?: string[] }} [options] */
export function tesseraEslint(tsconfigRootDir, options = {}) {
  return tseslint.config(
    {
      ignores: [
        "dist/**",
        ".next/**",
        "generated/**",
        "node_modules/**",
        ...(options.ignores ?? []),
      ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
      languageOptions: {
        parserOptions: { projectService: true, tsconfigRootDir },
      },
      rules: {
        "@typescript-eslint/consistent-type-imports": "error",
        "@typescript-eslint/no-non-null-assertion": "error",
        "@typescript-eslint/no-unused-vars": [
          "error",
          { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
        ],
        // Environment is read and validated in one place per app (env.ts), never ad hoc.
        "no-restricted-properties": [
          "error",
          { object: "process", property: "env", message: "Read the environment through env.ts." },
        ],
      },
    },
    {
      files: [
        "**/env.ts",
        "**/*.test.ts",
        "**/vitest.config.ts",
        "**/*.config.ts",
        "**/*.config.js",
      ],
      rules: { "no-restricted-properties": "off" },
    },
    {
      files: ["**/*.js"],
      ...tseslint.configs.disableTypeChecked,
    },
  );
}
