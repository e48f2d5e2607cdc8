import { expect, test } from "bun:test";
import { maskDeliveryCardData } from "../../../src/adapters/whatsapp/delivery-masking.ts";

const delivery = (body: string) =>
  JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "4242424242424242",
        changes: [
          {
            field: "messages",
            value: {
              metadata: { display_phone_number: "442079460000", phone_number_id: "5555555555554444" },
              contacts: [{ wa_id: "447700900111", profile: { name: "Sam" } }],
              messages: [{ id: "wamid.X1", timestamp: "1733212345", type: "text", text: { body } }],
            },
          },
        ],
      },
    ],
  });

test("card data in what people wrote is masked; ids, numbers and timestamps stay as sent, even card-shaped ones", () => {
  const masked = JSON.parse(maskDeliveryCardData(delivery("card 4242 4242 4242 4242 cvv 737")));
  const value = masked.entry[0].changes[0].value;
  expect(value.messages[0].text.body).toBe("card •••• 4242 cvv •••");
  expect(masked.entry[0].id).toBe("4242424242424242");
  expect(value.metadata.phone_number_id).toBe("5555555555554444");
  expect(value.messages[0].timestamp).toBe("1733212345");
});

test("a delivery with nothing to mask is stored byte for byte as it came", () => {
  const raw = delivery("The tap is dripping at flat 4");
  expect(maskDeliveryCardData(raw)).toBe(raw);
});
