import { tesseraEslint } from "@tessera/config/eslint";

export default [
  ...tesseraEslint(import.meta.dirname, { ignores: [".cache/**", ".tessera/**"] }),
  {
    // Developer tooling that passes the environment through to the Prisma CLI.
    files: ["scripts/**/*.ts"],
    rules: { "no-restricted-properties": "off" },
  },
];
