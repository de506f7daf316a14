// Every error code a client can receive from Conduit, declared once with its HTTP status (and its OpenAI error
// type where the status does not imply it). Errors are made by code: `new GatewayError('org_not_found', message)`.
// Codes chosen by another system (a vendor's rejection, Fastify's own 4xx) are relayed with GatewayError.relayed.

/** OpenAI's error types; `insufficient_quota` is what OpenAI answers for a spent budget. */
export const errorTypes = [
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'rate_limit_error',
  'insufficient_quota',
  'api_error',
] as const;
export type ErrorType = (typeof errorTypes)[number];

interface ErrorSpec {
  status: number;
  type?: ErrorType;
}

export const errorCatalogue = {
  // 400
  binary_text: { status: 400 },
  empty_array: { status: 400 },
  empty_text: { status: 400 },
  invalid_body: { status: 400 },
  /** A configuration reload refused: the file's problems are in details. */
  invalid_config: { status: 400 },
  invalid_encoding: { status: 400 },
  invalid_http: { status: 400 },
  invalid_json: { status: 400 },
  invalid_request: { status: 400 },
  invalid_signature: { status: 400 },
  invalid_text: { status: 400 },
  invalid_tool_arguments: { status: 400 },
  invalid_type: { status: 400 },
  invalid_url: { status: 400 },
  invalid_value: { status: 400 },
  json_too_deep: { status: 400 },
  malformed_c2pa_manifest: { status: 400 },
  malformed_manifest: { status: 400 },
  missing_manifest: { status: 400 },
  missing_required_parameter: { status: 400 },
  model_capability_missing: { status: 400 },
  model_not_supported: { status: 400 },
  too_many_messages: { status: 400 },
  too_many_tools: { status: 400 },
  unknown_region: { status: 400 },
  unsupported_algorithm: { status: 400 },
  unsupported_parameter: { status: 400 },
  // 401
  invalid_admin_token: { status: 401 },
  invalid_api_key: { status: 401 },
  missing_api_key: { status: 401 },
  // 403
  insufficient_role: { status: 403 },
  org_not_approved: { status: 403 },
  org_suspended: { status: 403 },
  policy_denied: { status: 403 },
  region_not_allowed: { status: 403 },
  // 404
  application_not_found: { status: 404 },
  campaign_not_found: { status: 404 },
  console_not_built: { status: 404 },
  credit_note_not_found: { status: 404 },
  item_not_found: { status: 404 },
  key_not_found: { status: 404 },
  model_not_found: { status: 404 },
  no_distillation_evidence: { status: 404 },
  org_not_found: { status: 404 },
  previous_response_not_found: { status: 404 },
  principal_not_found: { status: 404 },
  unknown_feature: { status: 404 },
  unknown_key: { status: 404 },
  unknown_url: { status: 404 },
  // 408
  request_timeout: { status: 408 },
  // 409
  config_not_reloadable: { status: 409 },
  invalid_transition: { status: 409 },
  invoice_already_issued: { status: 409 },
  invoice_not_issued: { status: 409 },
  key_already_revoked: { status: 409 },
  key_in_use: { status: 409 },
  licence_decision_required: { status: 409 },
  licence_denied: { status: 409 },
  month_not_over: { status: 409 },
  no_application: { status: 409 },
  no_export_control_hit: { status: 409 },
  principal_name_reserved: { status: 409 },
  principal_name_taken: { status: 409 },
  second_approver_required: { status: 409 },
  version_conflict: { status: 409 },
  // 413
  manifest_too_large: { status: 413 },
  request_too_large: { status: 413 },
  text_too_large: { status: 413 },
  // 414
  url_too_long: { status: 414 },
  // 415
  unsupported_media_type: { status: 415 },
  // 422
  credit_exceeds_invoice: { status: 422 },
  invalid_list_file: { status: 422 },
  invalid_vendor_export: { status: 422 },
  invoicing_not_configured: { status: 422 },
  no_tax_rule: { status: 422 },
  nothing_to_invoice: { status: 422 },
  price_below_cost: { status: 422 },
  tier_not_eligible: { status: 422 },
  // 429
  budget_exceeded: { status: 429, type: 'insufficient_quota' },
  rate_limit_exceeded: { status: 429 },
  // 431
  request_header_fields_too_large: { status: 431 },
  // 499
  client_closed_request: { status: 499 },
  // 500
  internal_error: { status: 500 },
  // 502
  upstream_error: { status: 502 },
  upstream_invalid_response: { status: 502 },
  upstream_unreachable: { status: 502 },
  // 503
  model_not_priced: { status: 503 },
  /** Cluster mode, on_redis_unavailable: fail_closed, while Redis is unreachable. */
  rate_limiter_unavailable: { status: 503 },
  server_shutting_down: { status: 503 },
  upstream_overloaded: { status: 503 },
  usage_not_recorded: { status: 503 },
  // 504
  upstream_timeout: { status: 504 },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorCatalogue;
