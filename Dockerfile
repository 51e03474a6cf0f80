# Build the jar first: mvn -q -DskipTests package
FROM eclipse-temurin:17-jre
WORKDIR /opt/alert-relay
COPY target/alert-relay.jar alert-relay.jar
COPY routes/ routes/
EXPOSE 8080
# Configuration comes from the environment (docs/configuration.md: RELAY_* names, RELAY_CONFIG_FILE for a
# file with the keys it changes); JVM options from JAVA_OPTS, e.g. -Xmx512m or -Drelay.delivery.workers=8.
ENV JAVA_OPTS=""
# sh -c so $JAVA_OPTS is split into options; exec so java is PID 1 and gets SIGTERM (graceful stop);
# arguments after the image name reach the jar (docker run IMAGE token --role SUPER_ADMIN).
ENTRYPOINT ["sh", "-c", "exec java -XX:MaxRAMPercentage=60 $JAVA_OPTS -jar alert-relay.jar \"$@\"", "alert-relay"]
