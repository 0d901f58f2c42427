import { tesseraEslint } from "@tessera/config/eslint";
import reactHooks from "eslint-plugin-react-hooks";

export default [
  ...tesseraEslint(import.meta.dirname, {
    ignores: ["next-env.d.ts", "test-results/**", ".cache/**"],
  }),
  {
    files: ["**/*.tsx", "**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
    },
  },
  {
    // The console never imports the API at runtime: only `import type { AppRouter }`.
    files: ["src/**/*.ts", "src/**/*.tsx"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "@tessera/api/trpc", message: "type-only imports", allowTypeImports: true },
          ],
        },
      ],
    },
  },
];
