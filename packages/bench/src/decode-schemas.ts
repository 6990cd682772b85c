// The schemas of bench:decode (decode-bench.ts) and decode-split.ts.

/** Schemas node-llama-cpp's JSON-schema grammar also supports (no pattern, no numeric bounds). */
export const DECODE_SCHEMAS: Record<string, Record<string, unknown>> = {
  person: {
    type: "object",
    properties: { name: { type: "string" }, age: { type: "integer" }, member: { type: "boolean" }, tags: { type: "array", items: { type: "string" }, maxItems: 3 } },
    required: ["name", "age", "member", "tags"],
    additionalProperties: false,
  },
  "key-heavy": {
    type: "object",
    properties: {
      customer_account_identifier: { type: "integer" },
      preferred_communication_channel: { enum: ["email", "telephone", "postal_mail"] },
      has_accepted_terms_and_conditions: { type: "boolean" },
      shipping_address_first_line: { type: "string" },
      requested_delivery_time_window: { enum: ["morning", "afternoon", "evening"] },
      loyalty_programme_membership_level: { enum: ["bronze", "silver", "gold", "platinum"] },
    },
    required: [
      "customer_account_identifier",
      "preferred_communication_channel",
      "has_accepted_terms_and_conditions",
      "shipping_address_first_line",
      "requested_delivery_time_window",
      "loyalty_programme_membership_level",
    ],
    additionalProperties: false,
  },
  "tool-call": {
    type: "object",
    properties: {
      tool: { enum: ["search_flights", "book_hotel", "get_weather"] },
      arguments: {
        type: "object",
        properties: { from: { type: "string" }, to: { type: "string" }, passengers: { type: "integer" }, flexible: { type: "boolean" } },
        required: ["from", "to", "passengers", "flexible"],
        additionalProperties: false,
      },
    },
    required: ["tool", "arguments"],
    additionalProperties: false,
  },
  "number-list": { type: "array", items: { type: "number" }, maxItems: 8 },
};
