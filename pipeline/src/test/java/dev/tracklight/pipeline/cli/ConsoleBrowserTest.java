package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracklight.console.ConsoleConfig;
import dev.tracklight.console.ConsoleServer;
import dev.tracklight.console.LocalExecutor;
import dev.tracklight.console.PasswordHash;
import dev.tracklight.inference.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless browser (Debian's chromium through chromedriver): alice logs in,
 * picks a rule set (the dog in the right part of the pool: three visits, three highlights), uploads the golden-retriever clip
 * (resuming a half-done chunked upload of it, as after a reload) and watches its row reach "done" through
 * SSE (the page is never reloaded); a text file shows the error and adds no job; the result page's
 * video plays and the second highlight seeks to its start; bob is refused alice's file without its
 * signed link. Screenshots of each page go to {@code target/console-screenshots/} (the README
 * shows copies). Skipped, saying so, where chromium or chromedriver is not installed
 * ({@code tools/install-browser-test-deps.sh}; {@code .ci/run} runs it).
 */
class ConsoleBrowserTest {

  @TempDir
  Path data;

  static final Path SHOTS = Path.of("target/console-screenshots");

  @Test
  void uploadFollowPlaySeekAndRefuse() throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    Path driverBin = Path.of("/usr/bin/chromedriver");
    assumeTrue(Files.isExecutable(chromium) && Files.isExecutable(driverBin),
        "chromium and chromedriver are not installed: run tools/install-browser-test-deps.sh");
    Files.createDirectories(SHOTS);
    Path video = TestAssets.file("videos/dog_golden_retriever_swimming_360x204_h264.mp4");
    Path text = Files.writeString(data.resolve("notes.mp4"), "these are notes, not a video\n".repeat(30));
    String hash = PasswordHash.hash("alice pw".toCharArray(), 20_000);
    List<ConsoleConfig.User> users = List.of(new ConsoleConfig.User("alice", Optional.of(hash), List.of()),
        new ConsoleConfig.User("bob", Optional.of(PasswordHash.hash("bob pw".toCharArray(), 20_000)), List.of()));
    try (ConsoleServer server = ConsoleServer.start(ConsoleConfig.defaults(data.resolve("console")).withPort(0)
        .withUsers(users), new LocalExecutor(ServeCommand.replayLauncher(), 1), Clock.systemUTC())) {
      String base = "http://127.0.0.1:" + server.port();
      ChromeOptions options = new ChromeOptions();
      options.setBinary(chromium.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--autoplay-policy=no-user-gesture-required", "--mute-audio", "--window-size=1280,1000");
      ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverBin.toFile())
          .usingAnyFreePort().build();
      WebDriver driver = new ChromeDriver(service, options);
      try {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        login(driver, wait, base, "alice", "alice pw");
        shot(driver, "1-jobs-empty");

        // An upload of this file left half done (a reload, a lost connection): the page must resume it.
        String resumed = halfUpload(driver, video);
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("ruleset"))).selectByVisibleText("a dog on the right side");
        WebElement input = driver.findElement(By.id("files"));
        ((JavascriptExecutor) driver).executeScript("arguments[0].hidden = false", input);
        input.sendKeys(video.toAbsolutePath().toString());
        ((JavascriptExecutor) driver).executeScript("arguments[0].hidden = true", input);
        driver.findElement(By.id("submit")).click();
        WebElement row = wait.until(d -> d.findElements(By.cssSelector("#jobs tbody tr")).stream().findFirst().orElse(null));
        String id = row.getAttribute("data-id");
        // The page sent the file as a resumable upload, and went on with the half-done one (no new upload).
        assertEquals(Boolean.TRUE, ((JavascriptExecutor) driver).executeScript("return performance.getEntriesByType"
            + "('resource').some(e => e.name.endsWith('/api/uploads/' + arguments[0]))", resumed), "the upload was resumed");
        assertEquals(Boolean.FALSE, ((JavascriptExecutor) driver).executeScript("return performance.getEntriesByType"
            + "('resource').some(e => e.name.endsWith('/api/uploads'))"), "no new upload was started");
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(video), Files.readAllBytes(data.resolve("console/uploads")
            .resolve(id).resolve(video.getFileName().toString()))), "the job's file is the video, byte for byte");
        // Done through the SSE stream: no reload. The real replay takes a while on a small machine.
        new WebDriverWait(driver, Duration.ofSeconds(240)).until(d ->
            "done".equals(d.findElement(By.cssSelector("#jobs tr[data-id='" + id + "']")).getAttribute("data-status")));
        shot(driver, "2-jobs-done");

        input = driver.findElement(By.id("files"));
        ((JavascriptExecutor) driver).executeScript("arguments[0].hidden = false", input);
        input.sendKeys(text.toAbsolutePath().toString());
        ((JavascriptExecutor) driver).executeScript("arguments[0].hidden = true", input);
        driver.findElement(By.id("submit")).click();
        wait.until(d -> d.findElement(By.id("form-error")).getText().startsWith("not a video: notes.mp4"));
        shot(driver, "3-not-a-video");
        driver.navigate().refresh();
        wait.until(d -> !d.findElements(By.cssSelector("#jobs tbody tr")).isEmpty());
        assertEquals(1, driver.findElements(By.cssSelector("#jobs tbody tr")).size(), "the text file made no job");

        driver.get(base + "/job.html?id=" + id);
        JavascriptExecutor js = (JavascriptExecutor) driver;
        // preload="metadata" stops at readyState 1; playing loads frames (readyState >= 2).
        wait.until(d -> ((Number) js.executeScript("return document.getElementById('player').readyState")).intValue() >= 1);
        js.executeScript("document.getElementById('player').muted = true; document.getElementById('player').play()");
        wait.until(d -> ((Number) js.executeScript("return document.getElementById('player').readyState")).intValue() >= 2);
        double t0 = ((Number) js.executeScript("return document.getElementById('player').currentTime")).doubleValue();
        wait.until(d -> ((Number) js.executeScript("return document.getElementById('player').currentTime")).doubleValue() > t0 + 0.5);
        List<WebElement> highlights = wait.until(d -> {
          List<WebElement> h = d.findElements(By.cssSelector("#strip .highlight"));
          return h.size() >= 2 ? h : null;
        });
        double start = Double.parseDouble(highlights.get(1).getAttribute("data-start"));
        highlights.get(1).click();
        wait.until(d -> Math.abs(((Number) js.executeScript("return document.getElementById('player').currentTime"))
            .doubleValue() - start) < 0.8);
        js.executeScript("document.getElementById('player').pause()");
        shot(driver, "4-result");
        String signed = (String) js.executeScript("return document.getElementById('player').src");
        assertTrue(signed.contains("sig="), signed);

        driver.manage().deleteAllCookies();
        login(driver, wait, base, "bob", "bob pw");
        driver.get(base + "/api/jobs/" + id + "/files/annotated.mp4");
        assertTrue(driver.getPageSource().contains("no such file"), driver.getPageSource());
        driver.get(base + "/job.html?id=" + id);
        wait.until(d -> d.findElement(By.id("state")).getText().contains("no job"));
        shot(driver, "5-refused");
        driver.get(signed); // with the signed link it plays for anyone, until the link expires
        assertEquals(2L, ((Number) new WebDriverWait(driver, Duration.ofSeconds(20)).until(d ->
            js.executeScript("const v = document.querySelector('video'); return v && v.readyState >= 2 ? 2 : null"))).longValue());
      } finally {
        driver.quit();
      }
    }
  }

  /**
   * Starts an upload of {@code video} from the page (its session and CSRF token), sends the first
   * half, and records it in localStorage as the page does; the page's resource timings are then
   * cleared. Returns the upload's id.
   */
  private static String halfUpload(WebDriver driver, Path video) throws Exception {
    byte[] bytes = Files.readAllBytes(video);
    int half = bytes.length / 2;
    String b64 = java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bytes, half));
    Object id = ((JavascriptExecutor) driver).executeAsyncScript("""
        const [name, size, modified, b64, done] = arguments;
        (async () => {
          const csrf = (await (await fetch('/api/session')).json()).csrf;
          const headers = { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' };
          const up = await (await fetch('/api/uploads', { method: 'POST', headers,
            body: JSON.stringify({ name, size }) })).json();
          const body = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
          const r = await fetch('/api/uploads/' + up.id, { method: 'PUT', body, headers: { 'X-CSRF-Token': csrf,
            'Content-Range': 'bytes 0-' + (body.length - 1) + '/' + size } });
          if (!r.ok) throw new Error(await r.text());
          localStorage.setItem('tl-upload:' + name + ':' + size + ':' + modified, up.id);
          performance.clearResourceTimings();
          done(up.id);
        })().catch(e => done('error: ' + e.message));
        """, video.getFileName().toString(), bytes.length, Files.getLastModifiedTime(video).toMillis(), b64);
    assertTrue(String.valueOf(id).matches("[0-9a-f-]{36}"), String.valueOf(id));
    return (String) id;
  }

  private static void login(WebDriver driver, WebDriverWait wait, String base, String name, String password) {
    driver.get(base + "/");
    wait.until(d -> d.getCurrentUrl().contains("/login.html"));
    driver.findElement(By.name("name")).sendKeys(name);
    driver.findElement(By.name("password")).sendKeys(password);
    driver.findElement(By.cssSelector("#login button")).click();
    wait.until(d -> d.getCurrentUrl().endsWith("/") || d.getCurrentUrl().contains("/index.html"));
    wait.until(d -> !d.findElement(By.id("user")).getText().isEmpty());
  }

  private static void shot(WebDriver driver, String name) throws Exception {
    Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
  }
}
