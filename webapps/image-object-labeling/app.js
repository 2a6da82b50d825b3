// The image object labeling webapp: the shared front end for image items, with the boxes task
// (GET /api/config names it; resource/labeling/tasks/boxes.js draws the boxes).
import { startLabelingApp } from "/plugins/active-labeling/resource/labeling/main.js";

startLabelingApp({ kind: "image", root: document.getElementById("al-root") });
