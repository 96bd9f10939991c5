# The strangler image: the production jar (cli/target/strangler.jar) on a Java 17 runtime. Built from the repository
# root (docker compose does that: context .., see docker-compose.yml), so the jar is the one this checkout builds.
# Only the cli module and what it needs are packaged; the jar holds no embedded PostgreSQL or Kafka (the sandbox is a
# test dependency of the CLI, and the demo is its own artifact, demo/target/strangler-demo.jar, never shipped here).

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -ntp -q -DskipTests -pl cli -am package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /opt/strangler strangler
COPY --from=build /src/cli/target/strangler.jar /opt/strangler/strangler.jar
USER strangler
WORKDIR /opt/strangler
# A bounded heap keeps the pipeline under ~600 MB RSS (bench/README.md); override with JAVA_TOOL_OPTIONS.
ENV JAVA_TOOL_OPTIONS="-Xmx384m -XX:+UseParallelGC"
ENTRYPOINT ["java", "-jar", "/opt/strangler/strangler.jar"]
CMD ["--help"]
