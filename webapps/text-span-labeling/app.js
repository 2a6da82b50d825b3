// The text span labeling webapp: the shared front end for texts, with the spans task
// (GET /api/config names it; resource/labeling/tasks/spans.js marks the spans).
import { startLabelingApp } from "/plugins/active-labeling/resource/labeling/main.js";

startLabelingApp({ kind: "text", root: document.getElementById("al-root") });
