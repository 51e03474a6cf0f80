# Build the jar first: mvn -q -DskipTests package
FROM eclipse-temurin:17-jre
WORKDIR /opt/alert-relay
COPY target/alert-relay.jar alert-relay.jar
COPY application.properties application.properties
COPY routes/ routes/
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=60", "-jar", "alert-relay.jar"]
