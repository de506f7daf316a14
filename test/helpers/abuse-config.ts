// The configuration the distillation tests share: client addresses from X-Forwarded-For (the traffic kit sets
// them), alerts only (a throttle would stop the traffic a test goes on sending), and one simulator deployment
// whose replies are as long as real ones, so the shape of the traffic survives a replay.
export function abuseTestConfig(models: string[] = ['chat-model']) {
  return {
    server: { trust_proxy: true },
    abuse: { mode: 'alert_only' },
    regions: [{ id: 'us-east', country: 'US' }],
    vendors: [{ id: 'sim' }],
    providers: [
      {
        id: 'sim',
        vendor: 'sim',
        type: 'simulator',
        region: 'us-east',
        models: models.map((model) => ({ model })),
        simulator: { reply_tokens: 700 },
      },
    ],
    models: models.map((name) => ({ name, vendor: 'sim' })),
  };
}
