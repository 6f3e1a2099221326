import { useMemo } from 'react';
import type { PayFormState } from './PayForm.tsx';
import { SelectField, TextField } from './ui.tsx';
import '../pages/checkout.css';

// biome-ignore format: a compact list of ISO 3166-1 alpha-2 codes
const COUNTRIES = [
  'US', 'CA', 'GB', 'IE', 'FR', 'DE', 'ES', 'IT', 'NL', 'BE', 'PT', 'AT', 'CH', 'SE', 'NO', 'DK', 'FI', 'PL',
  'CZ', 'AU', 'NZ', 'JP', 'KR', 'SG', 'HK', 'IN', 'AE', 'BR', 'MX', 'ZA',
];

/** The delivery address. */
export function ShippingSection({ form, title = 'Shipping' }: { form: PayFormState; title?: string }) {
  const { fields, errors, set, user } = form;
  const regionNames = useMemo(() => {
    try {
      return new Intl.DisplayNames(undefined, { type: 'region' });
    } catch {
      return undefined;
    }
  }, []);
  return (
    <section className="card pad" aria-labelledby="ship-heading">
      <h2 id="ship-heading" className="h3">
        {title}
      </h2>
      <div className="form-grid">
        <TextField
          label="Full name"
          name="name"
          autoComplete="name"
          value={fields.name}
          onChange={set('name')}
          error={errors.name}
          className="span-2"
          data-testid="ship-name"
        />
        <TextField
          label={user?.guest ? 'Email (for your receipt)' : 'Email (optional)'}
          name="email"
          type="email"
          inputMode="email"
          autoComplete="email"
          value={fields.email}
          onChange={set('email')}
          error={errors.email}
          required={user?.guest}
          data-testid="ship-email"
        />
        <TextField
          label="Phone (optional)"
          name="phone"
          type="tel"
          autoComplete="tel"
          value={fields.phone}
          onChange={set('phone')}
          error={errors.phone}
          data-testid="ship-phone"
        />
        <TextField
          label="Address"
          name="line1"
          autoComplete="address-line1"
          value={fields.line1}
          onChange={set('line1')}
          error={errors.line1}
          data-testid="ship-line1"
        />
        <TextField
          label="Apartment, suite (optional)"
          name="line2"
          autoComplete="address-line2"
          value={fields.line2}
          onChange={set('line2')}
          data-testid="ship-line2"
        />
        <TextField
          label="City"
          name="city"
          autoComplete="address-level2"
          value={fields.city}
          onChange={set('city')}
          error={errors.city}
          data-testid="ship-city"
        />
        <TextField
          label="State / region (optional)"
          name="region"
          autoComplete="address-level1"
          value={fields.region}
          onChange={set('region')}
          data-testid="ship-region"
        />
        <TextField
          label="Postal code"
          name="postalCode"
          autoComplete="postal-code"
          value={fields.postalCode}
          onChange={set('postalCode')}
          error={errors.postalCode}
          data-testid="ship-postal"
        />
        <SelectField
          label="Country"
          name="country"
          autoComplete="country"
          value={fields.country}
          onChange={set('country')}
          error={errors.country}
          data-testid="ship-country"
        >
          {COUNTRIES.map((c) => (
            <option key={c} value={c}>
              {regionNames?.of(c) ?? c}
            </option>
          ))}
        </SelectField>
      </div>
    </section>
  );
}
