package io.geokv.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Pauses and resumes a region's replication through replication-streams' {@code /actuator/replication}. */
final class ReplicationControl {

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final String streamsUrl;

    ReplicationControl(String streamsUrl) {
        this.streamsUrl = streamsUrl;
    }

    void pause(String region) throws IOException, InterruptedException {
        act(region, "pause");
    }

    void resume(String region) throws IOException, InterruptedException {
        act(region, "resume");
    }

    private void act(String region, String action) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(streamsUrl + "/actuator/replication/" + region + "/" + action))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(
                    action + " of region " + region + " answered " + answer.statusCode() + ": " + answer.body());
        }
    }
}
