import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, Injector, type OnInit } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { PageState } from '../../shared/page-state';
import { AddUserDialog } from './add-user-dialog';
import type { UserView } from './admin-users-api';
import { UsersStore } from './users-store';

/** /admin/users — every account: search, pages, open one; add a user. */
@Component({
  selector: 'gw-users-page',
  imports: [
    DatePipe,
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    PageState,
  ],
  providers: [UsersStore],
  templateUrl: './users-page.html',
  styleUrl: './users-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class UsersPage implements OnInit {
  protected readonly store = inject(UsersStore);
  private readonly dialog = inject(MatDialog);
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);
  protected readonly searchForm = new FormGroup({ q: new FormControl('', { nonNullable: true }) });

  ngOnInit(): void {
    void this.store.search('');
  }

  protected submitSearch(): void {
    void this.store.search(this.searchForm.controls.q.value);
  }

  protected clearSearch(): void {
    this.searchForm.controls.q.setValue('');
    void this.store.search('');
  }

  protected open(user: UserView): void {
    void this.router.navigate(['/admin/users', user.id]);
  }

  protected async addUser(): Promise<void> {
    const ref = this.dialog.open<AddUserDialog, void, string>(AddUserDialog, {
      injector: this.injector,
      width: '520px',
      maxWidth: '95vw',
    });
    const id = await firstValueFrom(ref.afterClosed());
    if (id) void this.router.navigate(['/admin/users', id]);
  }
}
