#!/bin/sh
# Written by `statusgen init --host s3` (docs/deploy/s3.md in statusgen).
#
# Copy a built status site to S3 with the Cache-Control every file needs behind a CDN:
#   sh deploy/s3-sync.sh public s3://BUCKET[/PREFIX]
#
# 1. static/ first: files named after their content (style.3f2a9c1e.css), kept a year. Old ones
#    stay, so a page still in someone's cache finds the stylesheet it names.
# 2. Then everything else (pages, feeds, JSON, calendar, badges), kept a minute and checked
#    again after that; files the new build no longer has are deleted.
# The same rules as the _headers file that every build writes for Netlify and Cloudflare Pages.
set -eu

if [ $# -ne 2 ]; then
  echo "usage: sh deploy/s3-sync.sh SITE_FOLDER s3://BUCKET[/PREFIX]" >&2
  exit 2
fi
site=${1%/}
target=${2%/}
case $target in
  s3://?*) ;;
  *) echo "error: the target must be s3://BUCKET[/PREFIX], not '$target'" >&2; exit 2 ;;
esac
if [ ! -f "$site/index.html" ]; then
  echo "error: $site/index.html is missing: run statusgen build first" >&2
  exit 1
fi

fingerprinted="public, max-age=31536000, immutable"
changing="public, max-age=60, must-revalidate"

if [ -d "$site/static" ]; then
  aws s3 sync "$site/static" "$target/static" --no-progress --cache-control "$fingerprinted"
fi
aws s3 sync "$site" "$target" --no-progress --delete --cache-control "$changing" \
  --exclude "static/*" --exclude "_headers" --exclude ".statusgen-output"
