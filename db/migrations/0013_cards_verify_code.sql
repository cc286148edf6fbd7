-- Every card gets a verification code (核验码), printed on the card and carried in its QR code:
-- /verify shows a card only to whoever holds its number and this code (src/cards/rules.ts). Cards
-- issued before this migration get a code here, drawn from gen_random_uuid() (a CSPRNG; random() is
-- not one): 8 of its fully random bytes (not 6 and 8, which hold the version and variant bits), the
-- low 5 bits of each naming one of the 32 characters. Their printed QR codes carry no code: such a
-- card is verified by typing the number and the code, which the staff card view shows.
ALTER TABLE "cards" ADD COLUMN "verify_code" text;--> statement-breakpoint
WITH r AS MATERIALIZED (SELECT "id", uuid_send(gen_random_uuid()) AS b FROM "cards")
UPDATE "cards" AS c SET "verify_code" = (
  SELECT string_agg(substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', (get_byte(r.b, u.i) & 31) + 1, 1), '' ORDER BY u.n)
  FROM unnest(ARRAY[0, 1, 2, 3, 4, 5, 9, 10]) WITH ORDINALITY AS u(i, n)
)
FROM r WHERE r."id" = c."id";--> statement-breakpoint
ALTER TABLE "cards" ALTER COLUMN "verify_code" SET NOT NULL;
