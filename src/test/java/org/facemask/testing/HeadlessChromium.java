package org.facemask.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol with the JDK's own WebSocket client (no Selenium,
 * no driver binary to keep in step with the browser). Opens a page and reports what a person would see go wrong:
 * console errors, uncaught exceptions, browser log errors (a blocked fetch, a Content-Security-Policy violation)
 * and images that did not decode; takes a full-page screenshot.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Images that are not complete or have no width: broken or undecodable. */
    private static final String BROKEN_IMAGES = "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
            + ".map(i => 'broken image: ' + (i.alt || i.src.slice(0, 80)))";

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new ArrayList<>();

    /** What a loaded page showed: its problems (empty when clean) and a screenshot of the whole page. */
    public record Page(List<String> problems, byte[] screenshotPng) {
    }

    private HeadlessChromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** @param profile an empty folder for the browser's profile (a fresh one each time: no state between runs) */
    public static HeadlessChromium start(Path profile) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: install Debian's chromium (apt-get install chromium); "
                    + ".ci/run does so in CI");
        }
        Files.createDirectories(profile);
        Process process = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--user-data-dir=" + profile,
                "--remote-debugging-port=0", "--remote-allow-origins=*", "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!(Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("chromium did not start: " + Files.readString(profile.resolve("chromium.log")));
                }
                Thread.sleep(50);
            }
            String port = Files.readAllLines(portFile).get(0).trim();
            HttpClient http = HttpClient.newHttpClient();
            JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/json/list")).build(), HttpResponse.BodyHandlers.ofString()).body());
            String pageSocket = null;
            for (JsonNode t : targets) {
                if (t.path("type").asText().equals("page")) {
                    pageSocket = t.get("webSocketDebuggerUrl").asText();
                }
            }
            if (pageSocket == null) {
                throw new IllegalStateException("chromium shows no page target: " + targets);
            }
            HeadlessChromium[] self = new HeadlessChromium[1];
            WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new WebSocket.Listener() {
                private final StringBuilder message = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    message.append(data);
                    if (last) {
                        self[0].received(message.toString());
                        message.setLength(0);
                    }
                    ws.request(1);
                    return null;
                }
            }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            self[0] = new HeadlessChromium(process, profile, socket);
            for (String domain : List.of("Runtime", "Log", "Page")) {
                self[0].send(domain + ".enable", Map.of());
            }
            return self[0];
        } catch (IOException | InterruptedException | RuntimeException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("cannot drive chromium: " + e, e);
        }
    }

    private void received(String text) {
        try {
            JsonNode message = JSON.readTree(text);
            if (message.has("id")) {
                CompletableFuture<JsonNode> reply = pending.remove(message.get("id").asInt());
                if (reply != null) {
                    reply.complete(message);
                }
            } else {
                synchronized (events) {
                    events.add(message);
                    events.notifyAll();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("not JSON from chromium: " + text, e);
        }
    }

    /** A DevTools command; @return its result */
    public JsonNode send(String method, Map<String, ?> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
        command.set("params", JSON.valueToTree(params));
        socket.sendText(command.toString(), true).join();
        try {
            JsonNode message = reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (message.has("error")) {
                throw new IllegalStateException(method + " failed: " + message.get("error"));
            }
            return message.get("result");
        } catch (InterruptedException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(method + ": no answer from chromium: " + e, e);
        }
    }

    /** A JavaScript expression evaluated in the page (DevTools may, whatever the page's policy); its JSON value. */
    public JsonNode evaluate(String expression) {
        JsonNode result = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException(expression + ": " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /**
     * Loads {@code file} in a window {@code width} CSS pixels wide and waits for its load event.
     *
     * @return the problems the page showed while loading, and its screenshot
     */
    public Page open(Path file, int width) throws InterruptedException {
        synchronized (events) {
            events.clear();
        }
        send("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", 800, "deviceScaleFactor", 1,
                "mobile", width < 600));
        send("Page.navigate", Map.of("url", file.toUri().toString()));
        waitFor("Page.loadEventFired");
        List<String> problems = new ArrayList<>();
        evaluate(BROKEN_IMAGES).forEach(p -> problems.add(p.asText()));
        synchronized (events) {
            for (JsonNode e : events) {
                JsonNode p = e.path("params");
                switch (e.path("method").asText()) {
                    case "Runtime.consoleAPICalled" -> {
                        if (List.of("error", "assert", "warning").contains(p.path("type").asText())) {
                            problems.add("console " + p.path("type").asText() + ": " + p.path("args"));
                        }
                    }
                    case "Runtime.exceptionThrown" -> problems.add("exception: " + p.path("exceptionDetails"));
                    case "Log.entryAdded" -> {
                        if (List.of("error", "warning").contains(p.path("entry").path("level").asText())) {
                            problems.add("log " + p.path("entry").path("level").asText() + ": "
                                    + p.path("entry").path("text").asText());
                        }
                    }
                    default -> { }
                }
            }
        }
        JsonNode size = send("Page.getLayoutMetrics", Map.of()).path("cssContentSize");
        JsonNode shot = send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", width, "height", Math.ceil(size.path("height").asDouble()),
                        "scale", 1)));
        return new Page(problems, Base64.getDecoder().decode(shot.get("data").asText()));
    }

    private void waitFor(String method) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        synchronized (events) {
            while (events.stream().noneMatch(e -> e.path("method").asText().equals(method))) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("no " + method + " within " + TIMEOUT);
                }
                events.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Stops the browser, and deletes the folder it made in /tmp for its singleton socket (the profile links to it). */
    @Override
    public void close() {
        socket.abort();
        Path socketDir = null;
        try {
            socketDir = Files.readSymbolicLink(profile.resolve("SingletonSocket")).getParent();
        } catch (IOException | UnsupportedOperationException e) {
            // no singleton socket: nothing outside the profile to delete
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        if (socketDir != null && socketDir.getFileName().toString().startsWith("org.chromium.Chromium.")) {
            org.apache.commons.io.FileUtils.deleteQuietly(socketDir.toFile());
        }
    }
}
