// The tabular labeling webapp: the shared front end in the plugin's resource folder, for tabular items.
import { startLabelingApp } from "/plugins/active-labeling/resource/labeling/main.js";

startLabelingApp({ kind: "tabular", root: document.getElementById("al-root") });
