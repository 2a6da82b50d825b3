// The image labeling webapp: the shared front end in the plugin's resource folder, for image items.
import { startLabelingApp } from "/plugins/active-labeling/resource/labeling/main.js";

startLabelingApp({ kind: "image", root: document.getElementById("al-root") });
