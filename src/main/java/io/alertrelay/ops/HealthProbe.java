package io.alertrelay.ops;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Container health check without curl or wget (the JRE base image has neither):
 * {@code java -cp alert-relay.jar io.alertrelay.ops.HealthProbe [url]} exits 0 when the URL answers 200.
 */
public final class HealthProbe {

    private HealthProbe() {
    }

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : "http://127.0.0.1:"
                + System.getenv().getOrDefault("RELAY_HTTP_PORT", "8080") + "/observe/health/ready";
        try {
            // HTTP/1.1: the JDK client otherwise offers every request an h2c upgrade
            HttpResponse<String> answer = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(4)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                System.out.println(answer.statusCode() + " " + answer.body());
            }
            System.exit(answer.statusCode() == 200 ? 0 : 1);
        } catch (Exception e) {
            System.out.println("unreachable: " + e);
            System.exit(1);
        }
    }
}
