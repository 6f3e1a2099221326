import { money } from '../lib/format.ts';
import { digits, groupCard, installmentsPreview, type PayFormState, TEST_CARDS } from './PayForm.tsx';
import { SelectField, TextField } from './ui.tsx';
import '../pages/checkout.css';

/** Card (sandbox test cards), wallet or pay in 4. */
export function PaymentSection({
  form,
  total,
  currency,
}: {
  form: PayFormState;
  total: number;
  currency: string;
}) {
  const { method, card, errors, user } = form;
  const cardDigits = digits(card);
  const brand = cardDigits.startsWith('4') ? 'Visa' : cardDigits.startsWith('5') ? 'Mastercard' : undefined;
  return (
    <section className="card pad" aria-labelledby="pay-heading">
      <h2 id="pay-heading" className="h3">
        Payment
      </h2>
      <p className="sandbox-tag" data-testid="sandbox-label">
        Sandbox: no real payment
      </p>
      <div className="segmented" role="radiogroup" aria-label="Payment method">
        {(
          [
            ['card', 'Card'],
            ['wallet', 'Wallet'],
            ['bnpl', 'Pay in 4'],
          ] as const
        ).map(([m, label]) => (
          <label key={m} className={`segmented__opt${method === m ? ' is-checked' : ''}`}>
            <input
              type="radio"
              name="method"
              value={m}
              checked={method === m}
              onChange={() => form.setMethod(m)}
              data-testid={`method-${m}`}
            />
            {label}
          </label>
        ))}
      </div>

      {method === 'card' ? (
        <div className="stack">
          <TextField
            label={`Card number${brand ? ` · ${brand}` : ''}`}
            name="card"
            inputMode="numeric"
            autoComplete="cc-number"
            placeholder="4242 4242 4242 4242"
            value={card}
            onChange={(e) => form.setCard(e.target.value)}
            error={errors.card}
            hint={TEST_CARDS[cardDigits] ? `Test card: ${TEST_CARDS[cardDigits]?.label}` : undefined}
            data-testid="card-number"
          />
          <details className="testcards">
            <summary>Sandbox test cards</summary>
            <ul>
              {Object.entries(TEST_CARDS).map(([n, c]) => (
                <li key={n}>
                  <button type="button" className="linkish mono" onClick={() => form.setCard(n)}>
                    {groupCard(n)}
                  </button>{' '}
                  <span className="muted">{c.label}</span>
                </li>
              ))}
            </ul>
          </details>
          {user && !user.guest ? (
            <label className="check">
              <input
                type="checkbox"
                checked={form.saveCard}
                onChange={(e) => form.setSaveCard(e.target.checked)}
                data-testid="save-card"
              />
              Save this card for express checkout
            </label>
          ) : null}
        </div>
      ) : method === 'wallet' ? (
        <SelectField
          label="Sandbox wallet outcome"
          value={form.walletToken}
          onChange={(e) => form.setWalletToken(e.target.value)}
          data-testid="wallet-token"
        >
          <option value="wallet_ok">Wallet approves</option>
          <option value="wallet_decline">Wallet declines</option>
        </SelectField>
      ) : (
        <div className="stack">
          <div className="plan" data-testid="bnpl-preview">
            <p className="plan__head">4 interest-free payments, every 2 weeks</p>
            <ol className="plan__list">
              {installmentsPreview(total).map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a fixed plan of four
                <li key={i}>
                  <span>{i === 0 ? 'Today' : `In ${i * 2} weeks`}</span>
                  <strong>{money(c, currency)}</strong>
                </li>
              ))}
            </ol>
          </div>
          <SelectField
            label="Sandbox pay-later outcome"
            value={form.bnplToken}
            onChange={(e) => form.setBnplToken(e.target.value)}
            data-testid="bnpl-token"
          >
            <option value="bnpl_approve">Approved</option>
            <option value="bnpl_decline">Not approved</option>
          </SelectField>
        </div>
      )}
    </section>
  );
}
