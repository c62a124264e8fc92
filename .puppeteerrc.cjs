// Herald renders with the system's Chromium (/usr/bin/chromium, or HERALD_CHROMIUM_PATH):
// never download a browser at install time.
module.exports = { skipDownload: true };
