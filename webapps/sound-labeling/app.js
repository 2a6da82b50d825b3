// The sound labeling webapp: the shared front end in the plugin's resource folder, for sound items.
import { startLabelingApp } from "/plugins/active-labeling/resource/labeling/main.js";

startLabelingApp({ kind: "sound", root: document.getElementById("al-root") });
