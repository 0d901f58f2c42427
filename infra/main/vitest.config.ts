import { tesseraVitest } from "@tessera/config/vitest";
export default tesseraVitest("main", { testTimeout: 120_000 });
