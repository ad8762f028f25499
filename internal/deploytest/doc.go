// Package deploytest checks the files that describe how the service is run
// (docker-compose.yml, scripts/versions.env, the README) against the code,
// since Docker cannot run in CI to check them for real.
package deploytest
