export type MediaFilesDB = {
  files: {
    file_id: string;
    seq: string;
    sha256: string;
    storage_key: string;
    owner_id: string;
    kind: string;
    content_type: string;
    file_name: string;
    size_bytes: string;
    width: number | null;
    height: number | null;
    has_thumbnail: boolean;
    thumbnail_note: string;
    created_at: Date;
    deleted_seq: string | null;
    /** The last event that touched the row: its upload, or its deletion. */
    last_seq: string;
  };
  albums: { album_id: string; seq: string; title: string; created_by: string; created_at: Date };
  album_files: { album_id: string; file_id: string; seq: string };
  settings: { id: number; children_may_upload: boolean; strip_location: boolean; seq: string };
  avatars: { member_id: string; file_id: string; seq: string };
};

export type FileRow = MediaFilesDB['files'];
