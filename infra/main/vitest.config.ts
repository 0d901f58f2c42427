import { tesseraVitest } from "@tessera/config/vitest";
export default tesseraVitest("main", { testTimeout: 360_000 });
