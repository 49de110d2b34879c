#!/bin/sh
# The stock chart runs `./gateway` with the stock gateway's environment; `snf up` reads the same
# variables: functions_provider_url (set: the faas-netes proxy path; empty: SNF's own Kubernetes
# provider, in-cluster), function_namespace, and the basic-auth files under secret_mount_path.
# It listens on every address of the pod (8080 API, 8082 metrics).
if [ -n "${secret_mount_path:-}" ]; then
  exec node /home/app/bin/snf.js up --host 0.0.0.0 --secrets "$secret_mount_path" "$@"
fi
exec node /home/app/bin/snf.js up --host 0.0.0.0 "$@"
