# The image marathon.json and the Universe package run. Build the jar first, then the image:
#   mvn -B package -DskipTests && docker build -t registry.example.com/mpp/mpp:0.1.0 .
FROM eclipse-temurin:17-jre

WORKDIR /opt/mpp
COPY target/mpp.jar config.yml /opt/mpp/

# Any user but root; the ports are above 1024.
USER 65534:65534

# 9090: the proxy and /mpp/*; 8081: Dropwizard's admin port. Both follow MPP_PORT and MPP_ADMIN_PORT.
EXPOSE 9090 8081

# Exec form: java is PID 1 and receives SIGTERM itself, so requests in flight can finish (MPP_SHUTDOWN_GRACE_PERIOD).
# The heap follows the container's memory limit; JAVA_TOOL_OPTIONS adds or overrides JVM flags.
ENTRYPOINT ["java", "-XX:+UseParallelGC", "-XX:MaxRAMPercentage=60", "-jar", "/opt/mpp/mpp.jar", "server", "/opt/mpp/config.yml"]
