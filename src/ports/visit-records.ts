import type { VisitRecord } from "../domain/scheduling/visit-records.ts";
import type { Actor } from "./scheduling.ts";

export interface NewVisitNote {
  appointmentId: string;
  issueId: string;
  note: string;
  byUserId: string;
}

export interface NewVisitPhoto {
  appointmentId: string;
  issueId: string;
  /** Blob keys under photos/. */
  photoKey: string;
  thumbnailKey: string | null;
  contentType: string;
  size: number;
  byUserId: string;
}

/** Notes and photos an engineer records on a visit; each addition leaves an audit entry on the job. */
export interface VisitRecords {
  addNote(note: NewVisitNote, actor: Actor): Promise<VisitRecord>;
  addPhoto(photo: NewVisitPhoto, actor: Actor): Promise<VisitRecord>;
  byId(id: string): Promise<VisitRecord | null>;
  /** A job's notes and photos from all its visits, newest first. */
  forIssue(issueId: string): Promise<VisitRecord[]>;
}
