#!/bin/sh
# The stock chart runs `./gateway` with the stock gateway's environment (functions_provider_url,
# basic_auth, secret_mount_path, read_timeout, …); `snf up` reads the same variables.
exec node /home/app/bin/snf.js up "$@"
