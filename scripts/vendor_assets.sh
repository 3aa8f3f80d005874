#!/usr/bin/env bash
# Copy the front-end files Meihao serves from node_modules (installed from the npm registry) into
# the static vendor folder. Only what the pages load is copied, so collectstatic stays small.
set -euo pipefail
dest=${1:?destination folder}
fonts=${2:?font folder}
rm -rf "$dest"
mkdir -p "$dest"/{bootstrap,bootstrap-icons,htmx,leaflet,echarts,jsqr}
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$dest/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$dest/bootstrap/"
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$dest/bootstrap-icons/"
cp -r node_modules/bootstrap-icons/font/fonts "$dest/bootstrap-icons/"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$dest/leaflet/"
cp -r node_modules/leaflet/dist/images "$dest/leaflet/"
cp node_modules/echarts/dist/echarts.min.js "$dest/echarts/"
cp node_modules/jsqr/dist/jsQR.js "$dest/jsqr/"

# The Chinese font embedded in the PDFs the server draws (core.pdf). It is not a static file: no
# page loads it, and collectstatic would copy and compress ten megabytes for nothing.
mkdir -p "$fonts"
cp node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf \
  "$fonts/NotoSansSC-Regular.ttf"

# A file naming its source map gets the map beside it: the production static storage (whitenoise's
# manifest) refuses to collect a file whose references are missing, and the maps make the
# minified code debuggable in the browser.
for file in "$dest"/*/*.js "$dest"/*/*.css; do
  map=$(sed -n 's|.*sourceMappingURL=\([^ *]*\).*|\1|p' "$file" | tail -n 1)
  [ -n "$map" ] || continue
  source=$(grep -rl --include="$(basename "$file")" -F "sourceMappingURL=$map" node_modules | head -n 1)
  cp "$(dirname "$source")/$map" "$(dirname "$file")/"
done
