// A client generated from docs/api/openapi.yaml (openapi-typescript types + openapi-fetch)
// drives a real omega-api: register, log in, create a character, list the account's
// characters, read leaderboards, refresh the tokens. Run by `generated-client` after tsc has
// type-checked it against the generated schema.d.ts; exits non-zero on the first surprise.
import assert from "node:assert/strict";
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema.js";

const baseUrl = process.argv[2];
assert.ok(baseUrl, "usage: node client_flow.js BASE_URL");

let accessToken = "";
const bearer: Middleware = {
  onRequest({ request }) {
    if (accessToken) request.headers.set("Authorization", `Bearer ${accessToken}`);
    return request;
  },
};
const client = createClient<paths>({ baseUrl });
client.use(bearer);

const username = `gen_${Date.now().toString(36)}`;
const password = "correct horse battery";

async function main(): Promise<void> {
  const registered = await client.POST("/v1/auth/register", { body: { username, password } });
  assert.equal(registered.response.status, 201, JSON.stringify(registered.error));
  assert.equal(registered.data?.account.username, username);

  const login = await client.POST("/v1/auth/login", { body: { username, password } });
  assert.equal(login.response.status, 200, JSON.stringify(login.error));
  const tokens: components["schemas"]["TokenPair"] | undefined = login.data;
  assert.ok(tokens && tokens.token_type === "Bearer" && tokens.expires_in > 0);
  accessToken = tokens.access_token;

  const wrongPassword = await client.POST("/v1/auth/login", { body: { username, password: "not the password" } });
  assert.equal(wrongPassword.response.status, 401);
  assert.equal(wrongPassword.error?.error.code, "invalid_credentials");

  const name = `Gen${Date.now().toString(36).slice(-8)}`;
  const created = await client.POST("/v1/characters", { body: { name, class: "mage" } });
  assert.equal(created.response.status, 201, JSON.stringify(created.error));
  const character = created.data?.character;
  assert.ok(character);
  assert.equal(character.name, name);
  assert.equal(character.class, "mage");
  assert.equal(character.level, 1);
  assert.ok((character.inventory ?? []).length > 0, "a new character has its starting items");

  const mine = await client.GET("/v1/characters");
  assert.equal(mine.response.status, 200, JSON.stringify(mine.error));
  assert.deepEqual(mine.data?.characters.map((c) => c.id), [character.id]);
  assert.ok((mine.data?.max_characters ?? 0) >= 1);

  const one = await client.GET("/v1/characters/{id}", { params: { path: { id: character.id } } });
  assert.equal(one.data?.character.name, name);

  const boards = await client.GET("/v1/leaderboards");
  const ids = boards.data?.boards.map((board) => board.id) ?? [];
  assert.ok(ids.includes("level") && ids.includes("arena_rating_2v2"), ids.join(","));

  const page = await client.GET("/v1/leaderboards/{board}", {
    params: { path: { board: "level" }, query: { period: "all", limit: 5 } },
  });
  assert.equal(page.response.status, 200, JSON.stringify(page.error));
  assert.equal(page.data?.board, "level");
  assert.ok(Array.isArray(page.data?.entries));

  const badLimit = await client.GET("/v1/leaderboards/{board}", {
    params: { path: { board: "level" }, query: { limit: 0 } },
  });
  assert.equal(badLimit.response.status, 400);
  assert.equal(badLimit.error?.error.code, "invalid_limit");

  const refreshed = await client.POST("/v1/auth/refresh", { body: { refresh_token: tokens.refresh_token } });
  assert.equal(refreshed.response.status, 200, JSON.stringify(refreshed.error));
  assert.ok(refreshed.data && refreshed.data.refresh_token !== tokens.refresh_token, "the refresh token rotates");
  accessToken = refreshed.data.access_token;

  const again = await client.GET("/v1/characters");
  assert.equal(again.response.status, 200, "the refreshed access token works");

  const reused = await client.POST("/v1/auth/refresh", { body: { refresh_token: tokens.refresh_token } });
  assert.equal(reused.response.status, 401, "a used refresh token is refused");
  assert.equal(typeof reused.error?.error.code, "string");

  accessToken = "";
  const anonymous = await client.GET("/v1/characters");
  assert.equal(anonymous.response.status, 401);
  assert.equal(anonymous.response.headers.get("WWW-Authenticate"), "Bearer");
  console.log(`generated client: ${username} registered, ${name} created, ${ids.length} boards read, tokens refreshed`);
}

// Never called: the generated types must refuse what the spec does not allow. tsc fails on
// an unused @ts-expect-error, so each line proves the type it tests came from the spec.
export function typesComeFromTheSpec(): void {
  // @ts-expect-error a board that content does not define
  void client.GET("/v1/leaderboards/{board}", { params: { path: { board: "gold" } } });
  // @ts-expect-error a class that content does not define
  void client.POST("/v1/characters", { body: { name: "Nope", class: "bard" } });
  // @ts-expect-error a path the API does not serve
  void client.GET("/v1/nothing");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
