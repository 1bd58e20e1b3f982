package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracklight.connectors.live.CameraHealth;
import dev.tracklight.connectors.live.CameraState;
import dev.tracklight.connectors.live.LiveStatusBoard;
import dev.tracklight.console.ConsoleConfig;
import dev.tracklight.console.ConsoleServer;
import dev.tracklight.console.LiveSettings;
import dev.tracklight.console.LocalExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Live page in headless chromium: the camera table from the status file {@code run} writes
 * ({@link RunStatusFile} fed by {@link LiveStatusBoard}, as in a run), the run turning stale when
 * the file stops changing, and the alert table fed from the JSONL file with a camera filter.
 * Skipped, saying so, without chromium and chromedriver (tools/install-browser-test-deps.sh).
 */
class LivePageBrowserTest {

  @TempDir
  Path data;

  @BeforeEach
  @AfterEach
  void clearBoard() {
    LiveStatusBoard.clear();
  }

  private static String alert(String id, String camera, String severity) {
    return "{\"schema\":\"tracklight.alert/v1\",\"id\":\"" + id + "\",\"camera\":\"" + camera + "\",\"rule\":\"door\","
        + "\"rule_type\":\"zone\",\"severity\":\"" + severity + "\",\"event_time_ms\":1765000000000}\n";
  }

  @Test
  void camerasWithHealthThenStaleAndFilteredAlerts() throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    Path driverBin = Path.of("/usr/bin/chromedriver");
    assumeTrue(Files.isExecutable(chromium) && Files.isExecutable(driverBin),
        "chromium and chromedriver are not installed: run tools/install-browser-test-deps.sh");
    Files.createDirectories(ConsoleBrowserTest.SHOTS);
    Path status = data.resolve("run/status.json");
    Path alerts = data.resolve("run/alerts.jsonl");
    Files.createDirectories(alerts.getParent());
    Files.writeString(alerts, "");
    RunStatusFile file = new RunStatusFile(status, "cameras.yaml", List.of("lobby", "gate"),
        List.of("rtsp://viewer:pw-secret-1@10.0.0.7/s", "rtsp://10.0.0.8/s"), Clock.systemUTC(), LiveStatusBoard::snapshot);
    LiveStatusBoard.health(new CameraHealth("lobby", CameraState.STREAMING, 1, null, 0));
    LiveStatusBoard.health(new CameraHealth("lobby", CameraState.RECONNECTING, 1, "stream ended", 0));
    LiveStatusBoard.health(new CameraHealth("lobby", CameraState.STREAMING, 2, null, 0));
    LiveStatusBoard.frameTracked("lobby", 140, 2);
    LiveStatusBoard.health(new CameraHealth("gate", CameraState.RECONNECTING, 2,
        "Could not open rtsp://viewer:pw-secret-1@10.0.0.7/s: Connection refused", 0));
    file.write();

    LiveSettings live = new LiveSettings(Optional.of(status), Duration.ofSeconds(2), Optional.empty());
    try (ConsoleServer server = ConsoleServer.start(ConsoleConfig.defaults(data.resolve("console")).withPort(0)
        .withAlertsFile(alerts).withLive(live), new LocalExecutor(ServeCommand.replayLauncher(), 1),
        Clock.systemUTC())) {
      String base = "http://127.0.0.1:" + server.port();
      ChromeOptions options = new ChromeOptions();
      options.setBinary(chromium.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--window-size=1280,900");
      ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverBin.toFile())
          .usingAnyFreePort().build();
      WebDriver driver = new ChromeDriver(service, options);
      try {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        driver.get(base + "/live.html");
        // Keep the run fresh while the page loads: the file is rewritten as run's thread would.
        wait.until(d -> {
          file.write();
          return d.findElement(By.id("run")).getText().equals("running");
        });
        String lobby = driver.findElement(By.cssSelector("tr[data-camera=lobby]")).getText();
        assertTrue(lobby.contains("STREAMING") && lobby.contains("140 ms"), lobby);
        assertEquals("1", driver.findElement(By.cssSelector("tr[data-camera=lobby] td:nth-child(6)")).getText(),
            "one reconnect");
        String gate = driver.findElement(By.cssSelector("tr[data-camera=gate]")).getText();
        assertTrue(gate.contains("RECONNECTING") && gate.contains("Connection refused"), gate);
        assertTrue(!driver.getPageSource().contains("pw-secret-1"), "no camera password on the page");

        // Filter on gate, then alerts of both cameras are appended: only gate's is listed.
        driver.findElement(By.name("camera")).sendKeys("gate");
        driver.findElement(By.cssSelector("#filters button")).click();
        Thread.sleep(1000); // the new stream is open before the lines are appended (it starts at the end)
        Files.writeString(alerts, alert("a1", "lobby", "critical") + alert("a2", "gate", "warning"),
            StandardOpenOption.APPEND);
        wait.until(d -> d.findElements(By.cssSelector("#alerts tbody tr")).size() == 1);
        Thread.sleep(500);
        List<String> rows = driver.findElements(By.cssSelector("#alerts tbody tr")).stream()
            .map(e -> e.getText()).toList();
        assertEquals(1, rows.size(), rows.toString());
        assertTrue(rows.get(0).contains("gate") && rows.get(0).contains("warning"), rows.toString());
        wait.until(d -> {
          file.write();
          return d.findElement(By.id("run")).getText().equals("running");
        });
        Files.write(ConsoleBrowserTest.SHOTS.resolve("6-live.png"),
            ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));

        // The run stops writing (it died): within stale_seconds plus a poll the page says so.
        wait.until(d -> d.findElement(By.id("run")).getText().equals("stale"));
        assertTrue(driver.findElement(By.cssSelector("tr[data-camera=lobby]")).getAttribute("class")
            .contains("not-live"));
        assertTrue(driver.findElement(By.id("run-message")).getText().contains("not running"));
      } finally {
        driver.quit();
      }
    }
  }
}
