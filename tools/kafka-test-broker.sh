#!/usr/bin/env bash
# Runs the project's in-process KRaft test broker (Maven Central artifacts, test classpath) as a
# process, for `tracklight bench live --kafka HOST:PORT`. Prints "READY host:port"; stops when its
# standard input closes (e.g. `tools/kafka-test-broker.sh < /dev/tty` or a fifo).
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file="$PWD/pipeline/target/test-classpath.txt"
# The connectors test-jar (the broker) is resolved from the local repository: install it first.
./mvnw -q -o -pl pipeline -am install -DskipTests >/dev/null
./mvnw -q -o -pl pipeline dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
exec java -cp "pipeline/target/test-classes:pipeline/target/classes:$(cat "$cp_file")" \
  dev.tracklight.pipeline.testing.StandaloneKafkaBroker
