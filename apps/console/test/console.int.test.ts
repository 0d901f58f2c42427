// End to end: the console's production build in the machine's Chromium, against the real API (with
// its embedded PostgreSQL), a real local cluster (kube-apiserver, Volcano, kwok, simulated engines)
// and the real controller. Every page must render without console errors inside its budgets (FCP
// under 1.5 s, no layout shift on live updates); the designer's deploy must produce a ModelServing
// the controller reconciles; a tenant admin must see only their tenant and get a key shown once.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import {
  clusterKubeConfig,
  clusterKubeconfigPath,
  createSimModel,
} from "@tessera/local-cluster/testing";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CONSOLE_DIR,
  REPO,
  Proc,
  ensureBuild,
  freePort,
  httpOk,
  login,
  startRedis,
  trpcCaller,
  waitFor,
} from "./harness";
import { PERF_INIT, clsOf, type PerfSample } from "./perf";

const CLUSTER = "east";
const ADMIN = { email: "admin@tessera.test", password: "console-admin-password" };
const TENANT_ADMIN = { email: "owner@acme.test", password: "tenant-admin-password" };
const SHOTS = path.join(CONSOLE_DIR, "test-results", "screenshots");
const FCP_BUDGET_MS = 1_500;
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

let api: Proc;
let controller: Proc;
let web: Proc;
let redis: Proc | undefined;
let router: Proc | undefined;
let redisUrl = "";
let apiUrl = "";
let webUrl = "";
let dataDir = "";
let browser: Browser;
const budgets: {
  route: string;
  theme: string;
  fcpMs: number | null;
  clsLoad: number;
  clsLive: number;
}[] = [];
let tenantId = "";
let adminApi: ReturnType<typeof trpcCaller>;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  await ensureBuild();
  dataDir = mkdtempSync(path.join(tmpdir(), "tessera-console-"));
  chmodSync(dataDir, 0o755); // the embedded server runs initdb as its own user
  // The routers' usage stream: the API consumes it (TESSERA_REDIS_URL) as it does in production.
  const r = await startRedis();
  redis = r.proc;
  redisUrl = r.url;
  const [apiPort, pgPort, webPort, healthPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  apiUrl = `http://127.0.0.1:${apiPort}`;
  webUrl = `http://127.0.0.1:${webPort}`;
  api = new Proc("api", [path.join(REPO, "apps/api/src/main.ts")], {
    cwd: REPO,
    env: {
      NODE_ENV: "development",
      TESSERA_API_PORT: String(apiPort),
      TESSERA_DATA_DIR: dataDir,
      TESSERA_PG_PORT: String(pgPort),
      DATABASE_URL: undefined,
      TESSERA_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      TESSERA_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      TESSERA_HEALTH_INTERVAL_MS: "5000",
      TESSERA_LOGIN_RATE_LIMIT: "1000",
      TESSERA_REDIS_URL: redisUrl,
      LOG_LEVEL: "warn",
    },
  });
  const kubeconfigPath = clusterKubeconfigPath(CLUSTER);
  controller = new Proc(
    "controller",
    [
      path.join(REPO, "apps/controller/src/main.ts"),
      "--kubeconfig",
      kubeconfigPath,
      "--health-port",
      String(healthPort),
      "--health-host",
      "127.0.0.1",
      "--leader-elect",
      "false",
      "--log-level",
      "warn",
    ],
    { cwd: REPO, env: {} },
  );
  web = new Proc(
    "console",
    [
      path.join(REPO, "node_modules/next/dist/bin/next"),
      "start",
      "--port",
      String(webPort),
      "--hostname",
      "127.0.0.1",
    ],
    {
      cwd: CONSOLE_DIR,
      env: { NEXT_TELEMETRY_DISABLED: "1", TESSERA_API_URL: apiUrl, NODE_ENV: "production" },
    },
  );
  await waitFor("the API", () => httpOk(`${apiUrl}/readyz`), 120_000, api);
  await waitFor("the console", () => httpOk(`${webUrl}/login`), 60_000, web);

  // Platform setup through the API, as an operator would: register the cluster, a tenant and its admin.
  const op = trpcCaller(apiUrl, await login(apiUrl, ADMIN.email, ADMIN.password));
  adminApi = op;
  await op.mutate<{ id: string }>("clusters.register", {
    name: CLUSTER,
    displayName: "East (local)",
    region: "loopback",
    kubeconfig: readFileSync(kubeconfigPath, "utf8"),
  });
  const tenant = await op.mutate<{ id: string }>("tenants.create", {
    slug: "acme",
    name: "Acme Research",
    description: "Tenant used by the console test",
  });
  tenantId = tenant.id;
  await op.mutate("tenants.create", { slug: "globex", name: "Globex" });
  const user = await op.mutate<{ id: string }>("auth.createUser", {
    ...TENANT_ADMIN,
    platformRole: "MEMBER",
  });
  await op.mutate("tenants.setMember", { tenantId, userId: user.id, role: "TENANT_ADMIN" });
  await op.mutate("quotas.set", {
    tenantId,
    model: "*",
    totalTokensPerDay: 1_000_000,
    totalTokensPerMonth: 20_000_000,
    requestsPerMinute: 600,
  });

  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}, 600_000);

afterAll(async () => {
  if (budgets.length)
    writeFileSync(
      path.join(CONSOLE_DIR, "test-results", "budgets.json"),
      `${JSON.stringify(budgets, null, 2)}\n`,
    );
  await browser?.close();
  await Promise.all([web?.stop(), controller?.stop(), router?.stop(), api?.stop()]);
  await redis?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

interface Session {
  context: BrowserContext;
  page: Page;
  consoleErrors: string[];
}

async function signIn(
  user: { email: string; password: string },
  theme: "light" | "dark" = "light",
): Promise<Session> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 960 },
    colorScheme: theme,
  });
  await context.addInitScript(PERF_INIT);
  await context.addInitScript(
    `try { localStorage.setItem("tessera-theme", ${JSON.stringify(theme)}) } catch (e) {}`,
  );
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  await page.goto(`${webUrl}/login`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  return { context, page, consoleErrors };
}

/** Loads a page cold, waits for its data, and returns the page's own FCP and CLS measurements. */
async function visit(s: Session, route: string, ready: string, shot: string, liveMs = 0) {
  await s.page.goto(`${webUrl}${route}`, { waitUntil: "load" });
  await s.page.locator(ready).first().waitFor({ timeout: 30_000 });
  await s.page.waitForLoadState("networkidle");
  const loaded = await s.page.evaluate(() => performance.now());
  if (liveMs) await s.page.waitForTimeout(liveMs);
  const perf = await s.page.evaluate(() => (window as unknown as { __perf: PerfSample }).__perf);
  await s.page.screenshot({ path: path.join(SHOTS, `${shot}.png`), fullPage: true });
  return { fcp: perf.fcp, clsLoad: clsOf(perf), clsLive: clsOf(perf, loaded) };
}

describe("console", () => {
  it("renders every page with data, no console errors, FCP < 1.5 s and no layout shift on live updates", async () => {
    for (const theme of ["light", "dark"] as const) {
      const s = await signIn(ADMIN, theme);
      const pages: [string, string, string, number][] = [
        ["/", "[data-testid=clusters-table] >> text=East (local)", "overview", 12_000],
        [`/c/${CLUSTER}`, "[data-testid=topology-view] svg", "cluster", 12_000],
        ["/designer", "[data-testid=placement-result] li", "designer", 0],
        ["/autoscaling", "[data-testid=chart-replicas] svg", "autoscaling", 0],
        ["/deployments", "main h1", "deployments", 0],
        [`/c/${CLUSTER}/routing`, "[data-testid=endpoints-panel] h2", "routing", 12_000],
        ["/tenants", "[data-testid=tenants-table] >> text=Acme Research", "tenants", 0],
        [`/tenants/${tenantId}`, "[data-testid=quotas-table]", "tenant", 0],
      ];
      for (const [route, ready, name, liveMs] of pages) {
        const m = await visit(s, route, ready, `${name}-${theme}`, liveMs);
        budgets.push({
          route,
          theme,
          fcpMs: m.fcp === null ? null : Math.round(m.fcp),
          clsLoad: m.clsLoad,
          clsLive: m.clsLive,
        });
        expect(m.fcp, `${route} FCP`).not.toBeNull();
        expect(m.fcp ?? Infinity, `${route} FCP`).toBeLessThan(FCP_BUDGET_MS);
        expect(m.clsLive, `${route} layout shift during live updates`).toBeLessThan(0.001);
        expect(m.clsLoad, `${route} CLS`).toBeLessThan(0.1);
      }
      // The overview reports the local cluster's GPUs (16 nodes × 8) from the live inventory.
      await s.page.goto(`${webUrl}/`);
      await expect
        .poll(() => s.page.getByText("/ 128").count(), { timeout: 20_000 })
        .toBeGreaterThan(0);
      // The theme really switched: the page background differs between light and dark.
      const bg = await s.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(bg).toBe(theme === "dark" ? "rgb(15, 19, 24)" : "rgb(246, 247, 249)");
      expect(s.consoleErrors).toEqual([]);
      await s.context.close();
    }
    const login = await browser.newPage();
    await login.goto(`${webUrl}/login`);
    await login.screenshot({ path: path.join(SHOTS, "login-light.png") });
    await login.close();
  }, 300_000);

  it("answers /healthz from the console's own server", async () => {
    const res = await fetch(`${webUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("keyboard: skip link, visible focus and labelled controls", async () => {
    const s = await signIn(ADMIN);
    await s.page.goto(`${webUrl}/designer`);
    await s.page.locator("[data-testid=placement-result] li").first().waitFor();
    await s.page.keyboard.press("Tab");
    await expect
      .poll(() => s.page.evaluate(() => document.activeElement?.textContent))
      .toBe("Skip to content");
    await s.page.keyboard.press("Enter");
    await s.page.keyboard.press("Tab");
    const focus = await s.page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return {
        tag: el.tagName,
        outline: getComputedStyle(el).outlineStyle,
        inMain: Boolean(el.closest("main")),
      };
    });
    expect(focus.inMain).toBe(true);
    expect(focus.outline).not.toBe("none");
    // Every form control on the designer has an accessible name.
    const unlabelled = await s.page.evaluate(
      () =>
        [...document.querySelectorAll("main input, main select, main textarea")].filter((el) => {
          const e = el as HTMLInputElement;
          return !e.labels?.length && !e.getAttribute("aria-label");
        }).length,
    );
    expect(unlabelled).toBe(0);
    expect(s.consoleErrors).toEqual([]);
    await s.context.close();
  }, 120_000);

  it("designer → placement preview on the cluster → deploy creates a ModelServing the controller reconciles", async () => {
    const s = await signIn(ADMIN);
    const name = "console-e2e";
    await s.page.goto(`${webUrl}/designer?cluster=${CLUSTER}`);
    await s.page.getByLabel("Name", { exact: true }).first().fill(name);
    await s.page.getByLabel("Simulated engines (local clusters)").check();
    // The preview runs against the live cluster's nodes and HyperNodes.
    // 10 GPUs fit in one leaf (4 nodes × 8 GPUs), the tightest domain: the live tree's names show up.
    const result = () => s.page.locator("[data-testid=placement-result] li").first().textContent();
    await expect
      .poll(result, { timeout: 30_000 })
      .toMatch(/^console-e2e-0: placed under leaf-\d-\d \(tier 1\)/);
    // An impossible design is explained: a decode replica of 2 pods × 8 GPUs cannot share one node (tier 0).
    await s.page.getByLabel("Role tier").selectOption("0");
    await s.page.getByLabel("GPUs per pod").nth(1).fill("8");
    await expect.poll(result).toMatch(/Unschedulable/);
    await s.page.screenshot({
      path: path.join(SHOTS, "designer-unschedulable-light.png"),
      fullPage: true,
    });
    await s.page.getByLabel("GPUs per pod").nth(1).fill("2");
    await s.page.getByLabel("Role tier").selectOption("1");
    await expect.poll(result).toMatch(/placed under/);
    await s.page.getByRole("group", { name: "Target clusters" }).getByLabel("East (local)").check();
    const yaml = (await s.page.locator("[data-testid=yaml]").textContent()) ?? "";
    expect(yaml).toContain(`name: ${name}`);
    expect(yaml).toContain("tessera.io/engine: sim");
    expect(yaml).not.toContain("&a1"); // no YAML anchors: kubectl users read this
    await s.page.screenshot({
      path: path.join(SHOTS, "designer-preview-live-cluster.png"),
      fullPage: true,
    });
    await s.page.getByRole("button", { name: /^Deploy to 1 cluster/ }).click();
    const deploySection = s.page.locator("section[aria-labelledby=deploy]");
    await s.page
      .locator("[data-testid=deploy-result], section[aria-labelledby=deploy] [data-state]")
      .first()
      .waitFor({ timeout: 60_000 })
      .catch((e: unknown) => {
        throw new Error(
          `no deploy result: ${String(e)}\n--- api ---\n${api.tail(60)}\n--- console ---\n${web.tail(20)}`,
        );
      });
    expect(await deploySection.textContent()).toContain("east: applied");

    // The controller reconciles it: ServingGroup pods exist in the cluster, scheduled by Volcano.
    const kc = await clusterKubeConfig(CLUSTER);
    const core = kc.makeApiClient(CoreV1Api);
    const pods = await waitFor(
      "the controller to create the pods",
      async () => {
        const list = await core.listNamespacedPod({
          namespace: "default",
          labelSelector: `modelserving.volcano.sh/name=${name}`,
        });
        return list.items.length >= 5 ? list.items : null;
      },
      120_000,
      controller,
    );
    expect(pods.length).toBe(5); // prefill 1 × 1 pod + decode 2 × (entry + worker)
    const custom = kc.makeApiClient(CustomObjectsApi);
    const ms = (await custom.getNamespacedCustomObject({
      group: "workload.serving.volcano.sh",
      version: "v1alpha1",
      namespace: "default",
      plural: "modelservings",
      name,
    })) as { status?: { observedGeneration?: number } };
    await waitFor(
      "ModelServing status",
      async () => {
        const cur = (await custom.getNamespacedCustomObject({
          group: "workload.serving.volcano.sh",
          version: "v1alpha1",
          namespace: "default",
          plural: "modelservings",
          name,
        })) as { status?: { observedGeneration?: number } };
        return (cur.status?.observedGeneration ?? 0) >= 1;
      },
      60_000,
      controller,
    );
    expect(ms).toBeTruthy();

    // The deployments page lists it with its live objects.
    await s.page.goto(`${webUrl}/deployments`);
    const row = s.page.locator("[data-testid=deployments-table] tr", { hasText: name });
    await row.getByRole("button", { name: "Details" }).click();
    await expect
      .poll(() => s.page.locator(`[data-testid=deployment-details-${name}]`).textContent(), {
        timeout: 30_000,
      })
      .toContain(`ModelServing/${name}`);
    await s.page.screenshot({
      path: path.join(SHOTS, "deployments-details-light.png"),
      fullPage: true,
    });
    // The cluster picture now shows the placed pods coloured by role.
    await s.page.goto(`${webUrl}/c/${CLUSTER}`);
    await s.page.locator("[data-testid=topology-view] svg").waitFor();
    await s.page.screenshot({
      path: path.join(SHOTS, "cluster-with-pods-light.png"),
      fullPage: true,
    });
    expect(s.consoleErrors).toEqual([]);
    await s.context.close();
  }, 300_000);

  it("a tenant admin sees only their tenant and creates an API key that is shown once", async () => {
    const s = await signIn(TENANT_ADMIN);
    await s.page.goto(`${webUrl}/tenants`);
    const table = s.page.locator("[data-testid=tenants-table]");
    await expect.poll(() => table.textContent(), { timeout: 20_000 }).toContain("Acme Research");
    expect(await table.textContent()).not.toContain("Globex");
    // Operator pages are not in a tenant admin's navigation.
    expect(await s.page.getByRole("navigation", { name: "Main" }).textContent()).not.toContain(
      "Topology designer",
    );

    await s.page.getByRole("link", { name: "Acme Research" }).click();
    await expect
      .poll(() => s.page.locator("[data-testid=members-table]").textContent(), { timeout: 20_000 })
      .toContain(TENANT_ADMIN.email);
    await s.page.getByLabel("Key name").fill("ci-pipeline");
    await s.page.getByRole("button", { name: "Create key" }).click();
    const secret =
      (await s.page.locator("[data-testid=new-key-secret]").textContent({ timeout: 20_000 })) ?? "";
    expect(secret).toMatch(/^tsk_[A-Za-z0-9_-]{20,}$/);
    await expect
      .poll(() => s.page.locator("[data-testid=keys-table]").textContent())
      .toContain("ci-pipeline");
    await s.page.screenshot({
      path: path.join(SHOTS, "tenant-admin-key-created-light.png"),
      fullPage: true,
    });
    // Shown once: after a reload only the prefix is visible.
    await s.page.reload();
    await s.page.locator("[data-testid=keys-table]").waitFor();
    expect(await s.page.content()).not.toContain(secret);
    expect(await s.page.locator("[data-testid=keys-table]").textContent()).toContain(
      secret.slice(0, 12),
    );
    // The key authenticates against the API as a viewer of its own tenant.
    const me = (await (
      await fetch(`${apiUrl}/v1/auth/me`, { headers: { authorization: `Bearer ${secret}` } })
    ).json()) as unknown;
    expect(me).toMatchObject({ type: "apiKey", tenantId });
    expect(s.consoleErrors).toEqual([]);
    await s.context.close();
  }, 120_000);
  it("shows a cluster being brought up in the background until it is registered", async () => {
    // What `npm start` reports while it brings up its local cluster (clusters.reportProvisioning).
    await adminApi.mutate("clusters.reportProvisioning", {
      name: "local-demo",
      phase: "Building",
      step: "building kube-apiserver",
      progress: { done: 3, total: 7 },
    });
    const s = await signIn(ADMIN);
    await s.page.goto(`${webUrl}/`);
    const panel = s.page.locator("[data-testid=provisioning-panel]");
    await expect
      .poll(() => panel.textContent().catch(() => ""), { timeout: 20_000 })
      .toContain("Local cluster local-demo: building kube-apiserver (3/7)");
    // The sidebar's cluster list says it too.
    expect(
      await s.page.locator("[data-testid=provisioning-nav-local-demo]").textContent(),
    ).toContain("(3/7)");
    await s.page.screenshot({ path: path.join(SHOTS, "overview-provisioning-light.png") });
    // Ready and registered under its name: it leaves the panel and is listed like any cluster.
    // ("east" stands in for the launcher's cluster: it is registered, so the entry links to it.)
    await adminApi.mutate("clusters.reportProvisioning", {
      name: CLUSTER,
      phase: "Starting",
      step: "starting kwok",
      progress: { done: 6, total: 7 },
    });
    await expect
      .poll(() => panel.textContent().catch(() => ""), { timeout: 20_000 })
      .toContain(`Local cluster ${CLUSTER}: starting kwok (6/7)`);
    await adminApi.mutate("clusters.reportProvisioning", {
      name: CLUSTER,
      phase: "Ready",
      step: "registered",
    });
    await expect
      .poll(() => s.page.locator(`[data-testid=provisioning-${CLUSTER}]`).count(), {
        timeout: 20_000,
      })
      .toBe(0);
    expect(await s.page.locator("[data-testid=clusters-table]").textContent()).toContain(
      "East (local)",
    );
    expect(s.consoleErrors).toEqual([]);
    await s.context.close();
  }, 120_000);

  it("a tenant admin creates a key and sees usage after a request through the router", async () => {
    // A served model in the cluster: ModelServer + ModelRoute "sim", and a pod the local cluster
    // gives a simulated engine (label tessera.io/engine=sim) at its pod IP.
    const ns = "console-router";
    const kc = await clusterKubeConfig(CLUSTER);
    const core = kc.makeApiClient(CoreV1Api);
    await createSimModel(kc, ns);
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: {
          name: "sim-0",
          labels: { app: "sim", "tessera.io/engine": "sim" },
          annotations: { "tessera.io/engine-model": "sim-model" },
        },
        spec: {
          containers: [
            {
              name: "engine",
              image: "vllm/vllm-openai:v0.9.0",
              ports: [{ name: "http", containerPort: 8000 }],
            },
          ],
        },
      },
    });
    // A router in Kubernetes mode with tenancy on: keys and quotas from the Tenant/ApiKey objects
    // the API syncs into the cluster, usage to the redis stream the API consumes.
    const routerPort = await freePort();
    const routerUrl = `http://127.0.0.1:${routerPort}`;
    router = new Proc("router", [path.join(REPO, "apps/router/src/main.ts")], {
      cwd: REPO,
      env: {
        KUBECONFIG: clusterKubeconfigPath(CLUSTER),
        ROUTER_HOST: "127.0.0.1",
        ROUTER_PORT: String(routerPort),
        TENANCY_ENABLED: "true",
        TENANCY_REDIS_URL: redisUrl,
        TENANCY_TOKEN_COUNT: "estimate",
        TESSERA_CLUSTER: CLUSTER,
        LOG_LEVEL: "warn",
      },
    });
    await waitFor("the router", () => httpOk(`${routerUrl}/healthz`), 30_000, router);
    // The router's Service, annotated with its admin URL (it runs outside the cluster), so the API
    // reads its endpoints and decisions for the routing page.
    await core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: {
          name: "router",
          labels: { "tessera.io/component": "router" },
          annotations: { "tessera.io/admin-url": routerUrl },
        },
        spec: { clusterIP: "None", ports: [{ name: "http", port: 8080 }] },
      },
    });

    // The tenant admin creates a key in the browser.
    const s = await signIn(TENANT_ADMIN);
    await s.page.goto(`${webUrl}/tenants/${tenantId}`);
    await s.page.locator("[data-testid=keys-table], [data-testid=keys-h]").first().waitFor();
    await s.page.getByLabel("Key name").fill("router-e2e");
    await s.page.getByRole("button", { name: "Create key" }).click();
    const secret =
      (await s.page.locator("[data-testid=new-key-secret]").textContent({ timeout: 20_000 })) ?? "";
    expect(secret).toMatch(/^tsk_/);

    // The API syncs the key into the cluster by itself; the router accepts it within seconds.
    const chat = () =>
      fetch(`${routerUrl}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
        body: JSON.stringify({
          model: "sim",
          messages: [{ role: "user", content: "hello from the console test" }],
          max_tokens: 8,
        }),
      });
    const answer = await waitFor(
      "the router to accept the new key",
      async () => {
        const res = await chat();
        return res.status === 200
          ? ((await res.json()) as { usage?: { completion_tokens?: number } })
          : null;
      },
      60_000,
      router,
    );
    expect(answer.usage?.completion_tokens).toBe(8);

    // The usage travels router → redis stream → API; the tenant page shows it (polled every 10 s).
    const statNumber = async (id: string) =>
      Number(
        ((await s.page.locator(`[data-testid=${id}] .value`).textContent()) ?? "").replace(
          /[^0-9]/g,
          "",
        ) || 0,
      );
    await expect
      .poll(() => statNumber("stat-requests"), { timeout: 45_000, interval: 1_000 })
      .toBeGreaterThan(0);
    expect(await statNumber("stat-tokens")).toBeGreaterThan(0);
    await s.page
      .locator("[data-testid=usage-chart] .recharts-wrapper")
      .waitFor({ timeout: 20_000 });
    expect(await s.page.locator("[data-testid=cost-table]").textContent()).toContain("sim");
    await s.page.screenshot({
      path: path.join(SHOTS, "tenant-usage-after-router-request-light.png"),
      fullPage: true,
    });
    expect(s.consoleErrors).toEqual([]);
    await s.context.close();

    // The operator's views of the same request: the routing page shows the router's endpoint and
    // its decision with each plugin's score; the overview's traffic chart has a point.
    const o = await signIn(ADMIN);
    await o.page.goto(`${webUrl}/c/${CLUSTER}/routing`);
    await expect
      .poll(
        () =>
          o.page
            .locator("[data-testid=endpoints-table]")
            .textContent()
            .catch(() => ""),
        {
          timeout: 30_000,
        },
      )
      .toContain(`${ns}/sim-0`);
    const decisions = o.page.locator("[data-testid=decisions-table]");
    await expect
      .poll(() => decisions.textContent().catch(() => ""), { timeout: 30_000 })
      .toContain("picked");
    // One column per scorer plugin besides Time, Model, Candidate and Total.
    expect(await decisions.locator("thead th").count()).toBeGreaterThan(4);
    expect(await o.page.locator("[data-testid=router-statuses]").textContent()).toContain(
      `${ns}/router`,
    );
    await o.page.screenshot({
      path: path.join(SHOTS, "routing-live-router-light.png"),
      fullPage: true,
    });
    await o.page.goto(`${webUrl}/`);
    await o.page
      .locator("[data-testid=traffic-chart] .recharts-wrapper")
      .waitFor({ timeout: 30_000 });
    // The deployment the designer test created is behind the same router: its details show the
    // router's view of its endpoints.
    await o.page.goto(`${webUrl}/deployments`);
    const row = o.page.locator("[data-testid=deployments-table] tr", { hasText: "console-e2e" });
    await row.getByRole("button", { name: "Details" }).click();
    await expect
      .poll(
        () =>
          o.page
            .locator("[data-testid=router-view-console-e2e]")
            .textContent()
            .catch(() => ""),
        { timeout: 30_000 },
      )
      .toMatch(/default\/console-e2e-/);
    expect(o.consoleErrors).toEqual([]);
    await o.context.close();
  }, 300_000);

  it("an admin installs Tessera's components from the cluster page and sees their health", async () => {
    const s = await signIn(ADMIN);
    await s.page.goto(`${webUrl}/c/${CLUSTER}`);
    await s.page.getByRole("button", { name: "Install / upgrade Tessera components" }).click();
    const dialog = s.page.getByRole("dialog");
    // A bad namespace is named before anything is sent.
    await dialog.getByLabel("Namespace (optional)").fill("Not_A_Label");
    expect(await dialog.getByRole("alert").textContent()).toContain(
      "namespace: must be a DNS label",
    );
    await dialog.getByLabel("Namespace (optional)").fill("tessera-console");
    await dialog.getByRole("button", { name: "Install" }).click();
    const operation = s.page.locator("[data-testid=install-operation]");
    await expect
      .poll(() => operation.textContent(), { timeout: 240_000, interval: 2_000 })
      .toMatch(/succeeded|failed/);
    const log = (await s.page.locator("[data-testid=install-log]").textContent()) ?? "";
    expect(await operation.textContent(), log).toContain("succeeded");
    expect(await operation.textContent()).toContain("tessera-console");
    // Each component's health, from the Deployments kwok runs as fakes.
    const health = s.page.locator("[data-testid=components-health]");
    await expect
      .poll(() => health.locator("tbody tr").count(), { timeout: 60_000 })
      .toBeGreaterThan(0);
    expect(await health.textContent()).toMatch(/Available|Progressing/);
    await s.page.screenshot({
      path: path.join(SHOTS, "cluster-components-installed-light.png"),
      fullPage: true,
    });
    expect(s.consoleErrors).toEqual([]);
    await s.context.close();
  }, 300_000);
});
