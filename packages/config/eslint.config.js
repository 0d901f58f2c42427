import { tesseraEslint } from "./eslint.js";
export default tesseraEslint(import.meta.dirname);
