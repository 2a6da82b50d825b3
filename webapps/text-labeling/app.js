// The text labeling webapp: the shared front end in the plugin's resource folder, for texts.
import { startLabelingApp } from "/plugins/active-labeling/resource/labeling/main.js";

startLabelingApp({ kind: "text", root: document.getElementById("al-root") });
