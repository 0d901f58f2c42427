import { tesseraEslint } from "@tessera/config/eslint";
export default tesseraEslint(import.meta.dirname);
