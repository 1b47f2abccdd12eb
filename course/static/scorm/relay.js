/* On our pages during a launch from a SCORM package: tell the package's page (at the LMS, and only
   there) how far the learner has come, so that it passes it on to the LMS. */
(function () {
  "use strict";
  var data = document.getElementById("scorm-progress");
  if (!data) { return; }
  var progress = JSON.parse(data.textContent);
  var target = window.parent !== window ? window.parent : window.opener;
  if (target) { target.postMessage(progress.message, progress.origin); }
}());
