#!/bin/sh
# Run by the nginx image's entrypoint before nginx starts (compose.yaml mounts
# it in /docker-entrypoint.d/). nginx reads its certificate only when it
# (re)loads its configuration: reloading twice a day picks up a renewed one.
(while sleep 43200; do nginx -s reload; done) &
