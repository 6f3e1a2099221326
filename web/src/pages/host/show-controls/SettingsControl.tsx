import { useState } from 'react';
import { Button, ProblemNotice, SelectField } from '../../../components/ui.tsx';
import { api } from '../../../lib/api.ts';
import type { Show } from '../../../lib/types.ts';
import { BlockedWordsField } from '../BlockedWordsField.tsx';
import { Panel, useAction } from './Panel.tsx';

// Room settings: slow mode, comment-to-buy, blocked words, the pinned announcement, the stream; the FAQ bot.

const SLOW_MODES = [0, 3, 10, 30, 60];

export function SettingsControl({ show }: { show: Show }) {
  const { busy, problem, run } = useAction();
  const [keyword, setKeyword] = useState(show.commentToBuy.keyword);
  const [announcement, setAnnouncement] = useState('');
  const [stream, setStream] = useState(show.streamUrl ?? '');
  const ended = show.status === 'ended';
  return (
    <Panel title="Room" testId="control-settings">
      <div className="control__form">
        <SelectField
          label="Slow mode"
          value={String(show.slowModeSeconds)}
          disabled={ended || busy !== undefined}
          onChange={(e) =>
            void run('slow', () => api.updateShow(show.id, { slowModeSeconds: Number(e.target.value) }))
          }
          hint="One message per viewer every so often (you and moderators are never slowed)."
          data-testid="slow-mode"
        >
          {[...new Set([...SLOW_MODES, show.slowModeSeconds])]
            .sort((a, b) => a - b)
            .map((s) => (
              <option key={s} value={s}>
                {s === 0 ? 'Off' : `One message every ${s} s`}
              </option>
            ))}
        </SelectField>

        <div className="control__inline">
          <label className="check">
            <input
              type="checkbox"
              checked={show.commentToBuy.enabled}
              disabled={ended || busy !== undefined}
              onChange={(e) =>
                void run('c2b', () => api.updateShow(show.id, { commentToBuy: e.target.checked }))
              }
              data-testid="c2b-toggle"
            />
            Comment to buy
          </label>
          <input
            className="input control__keyword"
            aria-label="Comment-to-buy keyword"
            value={keyword}
            maxLength={20}
            onChange={(e) => setKeyword(e.target.value)}
            data-testid="c2b-keyword"
          />
          <Button
            size="small"
            variant="secondary"
            loading={busy === 'keyword'}
            disabled={
              ended ||
              !/^[A-Za-z0-9#!]{1,20}$/.test(keyword.trim()) ||
              keyword.trim() === show.commentToBuy.keyword
            }
            onClick={() => void run('keyword', () => api.updateShow(show.id, { keyword: keyword.trim() }))}
          >
            Save
          </Button>
        </div>
        <p className="muted small">
          {show.commentToBuy.enabled
            ? `A chat line that is exactly “${show.commentToBuy.keyword}” buys one of the featured product.`
            : 'Off: chat lines never buy.'}
        </p>

        <BlockedWordsField key={show.blockedWords.join('\n')} show={show} busy={busy} run={run} />

        <div className="control__inline">
          <input
            className="input"
            aria-label="Announcement to pin above the chat"
            placeholder={show.pinned ? `Pinned: ${show.pinned.text}` : 'Pin an announcement above the chat'}
            value={announcement}
            maxLength={300}
            onChange={(e) => setAnnouncement(e.target.value)}
            data-testid="announcement-text"
          />
          <Button
            size="small"
            variant="secondary"
            loading={busy === 'pin'}
            disabled={!announcement.trim()}
            onClick={() =>
              void run('pin', () => api.pinAnnouncement(show.id, announcement.trim())).then(
                (ok) => ok && setAnnouncement(''),
              )
            }
            data-testid="announcement-pin"
          >
            Pin
          </Button>
          {show.pinned ? (
            <Button
              size="small"
              variant="ghost"
              loading={busy === 'unpin'}
              onClick={() => void run('unpin', () => api.unpinAnnouncement(show.id))}
            >
              Unpin
            </Button>
          ) : null}
        </div>

        <div className="control__inline">
          <input
            className="input"
            aria-label="Stream URL"
            type="url"
            placeholder="Stream URL (HLS .m3u8 or a video)"
            value={stream}
            onChange={(e) => setStream(e.target.value)}
            data-testid="stream-url"
          />
          <Button
            size="small"
            variant="secondary"
            loading={busy === 'stream'}
            disabled={(stream.trim() || null) === show.streamUrl}
            onClick={() =>
              void run('stream', () => api.updateShow(show.id, { streamUrl: stream.trim() || null }))
            }
          >
            Save
          </Button>
        </div>
        {problem ? <ProblemNotice problem={problem} /> : null}
      </div>
    </Panel>
  );
}
