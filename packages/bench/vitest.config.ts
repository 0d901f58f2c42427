import { tesseraVitest } from "@tessera/config/vitest";
export default tesseraVitest("bench", { testTimeout: 60_000 });
