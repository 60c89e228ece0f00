package io.mpp.discovery.marathon;

import static io.mpp.testing.marathon.MarathonApp.Task.task;
import static io.mpp.testing.marathon.MarathonApp.app;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mpp.discovery.Endpoint;
import io.mpp.testing.marathon.MarathonApp;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppTasksTest {

    private static final PortChoice FIRST = PortChoice.parse("0");

    private static List<String> urls(AppTasks.Result result) {
        return result.endpoints().stream().map(Endpoint::url).toList();
    }

    @Test
    void hostModeUsesTheAgentAndTheHostPort() {
        MarathonApp app = app("/prom").network("host").port("web", 0).port("metrics", 0)
                .task(task("prom.a").host("10.0.0.4").ports(31001, 31002))
                .task(task("prom.b").host("agent-2.example.com").ports(31003, 31004));
        assertThat(urls(AppTasks.of(app.node(), FIRST, "m")))
                .containsExactly("http://10.0.0.4:31001", "http://agent-2.example.com:31003");
        assertThat(urls(AppTasks.of(app.node(), PortChoice.parse("metrics"), "m")))
                .containsExactly("http://10.0.0.4:31002", "http://agent-2.example.com:31004");
        assertThat(urls(AppTasks.of(app.node(), PortChoice.parse("1"), "m")))
                .containsExactly("http://10.0.0.4:31002", "http://agent-2.example.com:31004");
    }

    @Test
    void bridgeModeUsesTheAgentAndTheMappedHostPort() {
        MarathonApp app = app("/prom").network("container/bridge").port("admin", 8080).port("web", 9090)
                .task(task("prom.a").host("10.0.0.4").ports(31001, 31002).ip("172.17.0.2"));
        assertThat(NetworkMode.of(app.node())).isEqualTo(NetworkMode.BRIDGE);
        assertThat(urls(AppTasks.of(app.node(), PortChoice.parse("web"), "m")))
                .containsExactly("http://10.0.0.4:31002");
    }

    @Test
    void containerModeUsesTheTaskIpAndTheContainerPort() {
        MarathonApp app = app("/prom").network("container").port("web", 9090).port("other", 9100)
                .task(task("prom.a").host("10.0.0.4").ip("9.0.1.5"))
                .task(task("prom.b").host("10.0.0.5").ip("9.0.2.7"));
        assertThat(NetworkMode.of(app.node())).isEqualTo(NetworkMode.CONTAINER);
        assertThat(urls(AppTasks.of(app.node(), FIRST, "m")))
                .containsExactly("http://9.0.1.5:9090", "http://9.0.2.7:9090");
        assertThat(urls(AppTasks.of(app.node(), PortChoice.parse("other"), "m")))
                .containsExactly("http://9.0.1.5:9100", "http://9.0.2.7:9100");
    }

    @Test
    void legacyDockerNetworkFieldsAreUnderstood() {
        ObjectNode bridge = app("/prom").network("container/bridge").port("web", 9090).node();
        bridge.remove("networks");
        ((ObjectNode) bridge.path("container").path("docker")).put("network", "BRIDGE");
        assertThat(NetworkMode.of(bridge)).isEqualTo(NetworkMode.BRIDGE);
        ObjectNode user = app("/prom").network("container").port("web", 9090).node();
        user.remove("networks");
        ((ObjectNode) user.path("container").path("docker")).put("network", "USER");
        assertThat(NetworkMode.of(user)).isEqualTo(NetworkMode.CONTAINER);
        ObjectNode plain = app("/prom").network("host").node();
        plain.remove("networks");
        assertThat(NetworkMode.of(plain)).isEqualTo(NetworkMode.HOST);
    }

    @Test
    void onlyRunningTasksCount() {
        MarathonApp app = app("/prom").port("web", 0)
                .task(task("a").ports(31001))
                .task(task("b").ports(31002).state("TASK_STAGING"))
                .task(task("c").ports(31003).state("TASK_KILLING"))
                .task(task("d").ports(31004).state("TASK_UNREACHABLE"));
        AppTasks.Result result = AppTasks.of(app.node(), FIRST, "m");
        assertThat(urls(result)).containsExactly("http://127.0.0.1:31001");
        assertThat(result.notRunning()).isEqualTo(3);
        assertThat(result.skipped()).isEmpty();
    }

    @Test
    void withHealthChecksOnlyTasksWithALiveResultCount() {
        MarathonApp app = app("/prom").port("web", 0).healthChecked()
                .task(task("a").ports(31001).alive(true))
                .task(task("b").ports(31002).alive(false))
                .task(task("c").ports(31003).alive(null));
        AppTasks.Result result = AppTasks.of(app.node(), FIRST, "m");
        assertThat(urls(result)).containsExactly("http://127.0.0.1:31001");
        assertThat(result.notHealthy()).isEqualTo(2);
    }

    @Test
    void withoutHealthChecksEveryRunningTaskCounts() {
        MarathonApp app = app("/prom").port("web", 0)
                .task(task("a").ports(31001).alive(false))
                .task(task("b").ports(31002));
        assertThat(urls(AppTasks.of(app.node(), FIRST, "m"))).hasSize(2);
    }

    @Test
    void everyResultMustBeAliveWhenThereAreSeveralChecks() throws Exception {
        ObjectNode node = app("/prom").port("web", 0).healthChecked().task(task("a").ports(31001)).node();
        ObjectNode taskNode = (ObjectNode) node.path("tasks").get(0);
        taskNode.withArray("healthCheckResults").addObject().put("alive", false);
        assertThat(AppTasks.of(node, FIRST, "m").endpoints()).isEmpty();
    }

    @Test
    void aTaskCountsOnceEveryOneOfTheAppsChecksHasReported() throws Exception {
        ObjectNode node = app("/prom").port("web", 0).healthChecked().task(task("a").ports(31001).alive(true)).node();
        node.withArray("healthChecks").addObject().put("protocol", "COMMAND").putObject("command")
                .put("value", "test -d /prometheus/data");
        AppTasks.Result oneOfTwo = AppTasks.of(node, FIRST, "m");
        assertThat(oneOfTwo.endpoints()).as("a task whose second check has not run yet").isEmpty();
        assertThat(oneOfTwo.notHealthy()).isEqualTo(1);

        ((ObjectNode) node.path("tasks").get(0)).withArray("healthCheckResults").addObject().put("alive", true);
        assertThat(urls(AppTasks.of(node, FIRST, "m"))).containsExactly("http://127.0.0.1:31001");
    }

    @Test
    void aTaskWithoutUsablePortOrAddressIsSkippedByName() {
        MarathonApp.Task noPorts = task("noports");
        MarathonApp.Task ok = task("ok").ports(31001);
        MarathonApp hostApp = app("/prom").port("web", 0).task(noPorts).task(ok);
        AppTasks.Result result = AppTasks.of(hostApp.node(), FIRST, "m");
        assertThat(urls(result)).containsExactly("http://127.0.0.1:31001");
        assertThat(result.skipped()).singleElement().asString()
                .contains("task " + noPorts.id(), "app /prom", "0 host port(s)");

        MarathonApp.Task noIp = task("noip");
        MarathonApp containerApp = app("/prom").network("container").port("web", 9090).task(noIp);
        assertThat(AppTasks.of(containerApp.node(), FIRST, "m").skipped()).singleElement().asString()
                .contains("task " + noIp.id(), "no IP address");

        MarathonApp noHost = app("/prom").port("web", 0).task(task("nohost").host("").ports(31001));
        assertThat(AppTasks.of(noHost.node(), FIRST, "m").skipped()).singleElement().asString()
                .contains("no host");
    }

    @Test
    void aPortNameTheAppDoesNotHaveIsReportedWithTheNamesItHas() {
        MarathonApp app = app("/prom").port("web", 0).port("admin", 0).task(task("a").ports(31001, 31002));
        AppTasks.Result result = AppTasks.of(app.node(), PortChoice.parse("metrics"), "m");
        assertThat(result.endpoints()).isEmpty();
        assertThat(result.skipped()).singleElement().asString().contains("no port named 'metrics'", "web", "admin");
    }

    @Test
    void anIndexBeyondTheTaskPortsIsReported() {
        MarathonApp app = app("/prom").port("web", 0).task(task("a").ports(31001));
        assertThat(AppTasks.of(app.node(), PortChoice.parse("2"), "m").skipped()).singleElement().asString()
                .contains("no port at index 2");
    }

    @Test
    void tasksOfOlderMarathonWithoutStateCountOnceStarted() throws Exception {
        JsonNode node = new ObjectMapper().readTree("""
                {"id":"/prom","portDefinitions":[{"port":10000}],"tasks":[
                  {"id":"prom.1","host":"10.0.0.1","ports":[31001],"startedAt":"2016-01-01T00:00:00.000Z"},
                  {"id":"prom.2","host":"10.0.0.2","ports":[31002],"startedAt":null}]}""");
        assertThat(urls(AppTasks.of(node, FIRST, "m"))).containsExactly("http://10.0.0.1:31001");
    }

    @Test
    void aPortThatIsNoNumberIsReportedAsSuch() throws Exception {
        JsonNode node = new ObjectMapper().readTree("""
                {"id":"/prom","portDefinitions":[{"port":10000}],"tasks":[
                  {"id":"prom.1","state":"TASK_RUNNING","host":"h","ports":["abc"]},
                  {"id":"prom.2","state":"TASK_RUNNING","host":"h","ports":[70000]},
                  {"id":"prom.3","state":"TASK_RUNNING","host":"h","ports":[{"port":1}]}]}""");
        assertThat(AppTasks.of(node, FIRST, "m").skipped()).containsExactly(
                "task prom.1 of app /prom (host networking) skipped: its port 'abc' is not a number",
                "task prom.2 of app /prom (host networking) skipped: its port is 70000, not a usable port number",
                "task prom.3 of app /prom (host networking) skipped: its port {\"port\":1} is not a number");
        JsonNode container = new ObjectMapper().readTree("""
                {"id":"/prom","networks":[{"mode":"container"}],"container":{"portMappings":[{"containerPort":"x"}]},
                 "tasks":[{"id":"prom.1","state":"TASK_RUNNING","ipAddresses":[{"ipAddress":"9.0.0.1"}]}]}""");
        assertThat(AppTasks.of(container, FIRST, "m").skipped()).singleElement().asString()
                .endsWith("its port 'x' is not a number");
    }

    @Test
    void portSettingIsAnIndexOrAName() {
        assertThat(PortChoice.parse("").index()).isZero();
        assertThat(PortChoice.parse(" 3 ").index()).isEqualTo(3);
        assertThat(PortChoice.parse("metrics").name()).isEqualTo("metrics");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PortChoice.parse("a b"))
                .hasMessageContaining("MPP_MARATHON_PORT");
    }

    @Test
    void portsThatAreNotAListNameNoPortAndSkipTheApp() {
        ObjectNode odd = app("/prom").port("web", 0).task(task("prom.a").ports(31001)).node();
        odd.putObject("portDefinitions").putObject("p").put("name", "web");
        AppTasks.Result result = AppTasks.of(odd, PortChoice.parse("web"), "m");
        assertThat(result.endpoints()).isEmpty();
        assertThat(result.skipped()).containsExactly("app /prom (host networking) has no port named 'web'; its ports"
                + " are []");
    }

    @Test
    void aTaskHostThatIsNoHostNameSkipsTheTask() {
        MarathonApp app = app("/prom").port("web", 0).task(task("prom.a").host("10.0.0.9/x").ports(31001))
                .task(task("prom.b").host("10.0.0.5").ports(31002));
        AppTasks.Result result = AppTasks.of(app.node(), FIRST, "m");
        assertThat(urls(result)).containsExactly("http://10.0.0.5:31002");
        assertThat(result.skipped()).singleElement().asString().startsWith("task prom.a.")
                .endsWith(" of app /prom (host networking) skipped: host '10.0.0.9/x' is not a host name or an IP"
                        + " address");
    }
}
